/**
 * commander in Chinese: the help's headings (用法, 选项, 命令, 参数), its "(default: …)" notes,
 * the -h/-V option texts and the errors commander writes itself (unknown option, missing
 * argument, invalid value …) — Chinese first, the English original in brackets for searching.
 * Set on the program before any subcommand is added, so every subcommand inherits it.
 */
import { Command, Help } from 'commander';

const TITLES: Record<string, string> = {
  'Usage:': '用法：',
  'Options:': '选项：',
  'Commands:': '命令：',
  'Arguments:': '参数：',
  'Global Options:': '全局选项：',
};

class ChineseHelp extends Help {
  override styleTitle(str: string): string {
    return TITLES[str] ?? str;
  }
  /** CJK and full-width characters take two columns: columns line up and lines wrap at the terminal's width. */
  override displayWidth(str: string): number {
    const plain = super.displayWidth(str);
    const wide = str.match(/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g)?.length ?? 0;
    return plain + wide;
  }
  override commandUsage(cmd: Parameters<Help['commandUsage']>[0]): string {
    return super.commandUsage(cmd).replace('[options]', '[选项]').replace('[command]', '[命令]');
  }
  override subcommandTerm(cmd: Parameters<Help['subcommandTerm']>[0]): string {
    return super.subcommandTerm(cmd).replace('[options]', '[选项]');
  }
  override optionDescription(option: Parameters<Help['optionDescription']>[0]): string {
    return zhExtras(super.optionDescription(option));
  }
  override argumentDescription(argument: Parameters<Help['argumentDescription']>[0]): string {
    return zhExtras(super.argumentDescription(argument));
  }
}

/** "(default: 8360)" → "（默认：8360）", "choices:" → "可选：". */
function zhExtras(s: string): string {
  return s.replace(/\((default|choices|preset|env): ([^()]*)\)$/, (_m, k: string, v: string) => `（${{ default: '默认', choices: '可选', preset: '预设', env: '环境变量' }[k]}：${v.replace(/, (?=default:)/, '，').replace(/default: /, '默认：')}）`);
}

/** commander's own error lines, in Chinese with the original after it. */
export function zhCommanderError(line: string): string {
  const s = line.replace(/\n$/, '');
  const tr = (zh: string) => `${zh} (${s.replace(/^error: /, '')})`;
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^error: option '([^']+)' argument '([^']*)' is invalid\. ?(.*)$/))) return `错误：选项 ${m[1]} 的值“${m[2]}”无效${m[3] ? `：${m[3]}` : ''}\n`;
  if ((m = s.match(/^error: command-argument value '([^']*)' is invalid for argument '([^']+)'\. ?(.*)$/))) return `错误：参数 ${m[2]} 的值“${m[1]}”无效${m[3] ? `：${m[3]}` : ''}\n`;
  if ((m = s.match(/^error: unknown option '([^']+)'/))) return tr(`错误：未知选项 ${m[1]}${suggestion(s)}`) + '\n';
  if ((m = s.match(/^error: unknown command '([^']+)'/))) return tr(`错误：未知命令 ${m[1]}${suggestion(s)}`) + '\n';
  if ((m = s.match(/^error: missing required argument '([^']+)'/))) return tr(`错误：缺少参数 <${m[1]}>`) + '\n';
  if ((m = s.match(/^error: option '([^']+)' argument missing/))) return tr(`错误：选项 ${m[1]} 需要一个值`) + '\n';
  if ((m = s.match(/^error: required option '([^']+)' not specified/))) return tr(`错误：必须给出选项 ${m[1]}`) + '\n';
  if (/^error: too many arguments/.test(s)) return tr('错误：参数过多') + '\n';
  return line;
}

function suggestion(s: string): string {
  const m = s.match(/\(Did you mean (?:one of )?([^?]+)\?\)/);
  return m ? `（是不是要用 ${m[1]}？）` : '';
}

/**
 * A Command whose help is Chinese, and whose subcommands are ZhCommands too (commander builds
 * subcommands with createCommand and their help with createHelp).
 */
export class ZhCommand extends Command {
  override createCommand(name?: string): ZhCommand {
    return new ZhCommand(name);
  }
  override createHelp(): Help {
    return Object.assign(new ChineseHelp(), this.configureHelp());
  }
}

/** The program's Chinese settings; subcommands inherit them (set before any is added). */
export function useChineseHelp(program: Command, version: string): Command {
  return program
    .version(version, '-V, --version', '显示版本号')
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [command]', '显示某个命令的帮助')
    .configureOutput({ outputError: (str, write) => write(zhCommanderError(str)) })
    .showHelpAfterError('（zhaocuo --help 列出全部命令）');
}
