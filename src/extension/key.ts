/**
 * The extension's public key (manifest `key`, Chrome only). With it, every unpacked install
 * and every build has the same id, so the server can allow its origin by default instead of
 * each staff member's browser needing its own line in `server.extensionOrigins` (an unpacked
 * extension's id otherwise depends on the folder it was loaded from). Only the public half
 * exists: it pins the id, it signs nothing. Firefox gives every install its own random
 * moz-extension:// origin, which still has to be listed.
 */
export const EXTENSION_PUBLIC_KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7fLjHnZlPT1Ymoi26+q3V1q9fZ349HQqIfaOa1d0e3+Qzyrw2qZsIJJurFW1NmibBRzuXoKqd/YPgYWXjLm2uvKiEN3Rf2sXVo5yU5QOTSUwHYuzxNwgk6jINeyflkK72R6ktgkvfSFixOqh7qN9MN7HZgeuGchZtSrSM7mA4suDihxvguiUKWUhDl1+DSsMB6S5VCEPx6KJ+/uSicXCwqS0ELj8v8nIX19RmPTApLTP4HKFsy76WYH+Byx55BhgKa9rmthLy38iQlb6DkvtPBmHFmUtnEv9Ki0cR3PY/iHO4nd7YrE4WAGnkLHtgcC8N6BtO9wySCTdfIyhHdBQtQIDAQAB';
