import type { Lang } from '../i18n/i18n.ts';

/**
 * The servers' validation messages (English, from the schemas and zod) in the manager's
 * language: the ones the knowledge and rules schemas give are said in Chinese; any other
 * comes through as the server wrote it (a YAML parser's message names the place anyway).
 *
 * @example
 *   problemText('give at least 6 ways a caller says it', 'zh') // '至少写 6 种来电问法'
 */
const ZH: readonly (readonly [RegExp, (m: RegExpExecArray) => string])[] = [
  [/^must not be empty$/, () => '不能为空'],
  [/^at most ([\d,]+) characters, so it reads aloud in under a minute$/, (m) => `最多 ${m[1]} 个字，以便一分钟内读完`],
  [/^at most ([\d,]+) characters$/, (m) => `最多 ${m[1]} 个字`],
  [/^give at least (\d+) ways a caller says it$/, (m) => `至少写 ${m[1]} 种来电问法`],
  [/^list at least one keyword$/, () => '至少填一个关键词'],
  [/^list at least one point$/, () => '至少填一条'],
  [/^give at least one of conditions, materials, channels, timeLimit, basis, notes$/, () => '答复口径至少填写一项（条件、材料、渠道、时限、依据或说明）'],
  [/^not a department id of knowledge\/departments\.tsv$/, () => '不是权责清单（departments.tsv）中的部门'],
  [/^"([^"]+)" is not a department id of knowledge\/departments\.tsv$/, (m) => `“${m[1]}”不是权责清单（departments.tsv）中的部门`],
  [/^a department id of knowledge\/departments\.tsv$/, () => '应为权责清单中的部门编号（小写字母、数字、下划线）'],
  [/^a synonym group needs at least two words$/, () => '同义词组至少要有两个词'],
  [/^a signal needs at least one `all` or `any` pattern$/, () => '信号至少要有一个 all 或 any 模式'],
  [/^not a valid regular expression: (.*)$/, (m) => `不是有效的正则表达式：${m[1]}`],
  [/^must start with "([^"]+)"$/, (m) => `必须以“${m[1]}”开头`],
  [/^Invalid option: expected one of (.*)$/, (m) => `取值无效，应为以下之一：${m[1]}`],
  [/^Invalid input: expected (\w+), received (\w+)$/, (m) => `类型不对：应为 ${m[1]}，实际是 ${m[2]}`],
  [/^Unrecognized keys?: (.*)$/, (m) => `不认识的字段：${m[1]}`],
  [/^Too small: expected (string|array) to have >=(\d+) (characters|items)$/, (m) => `至少 ${m[2]} ${m[1] === 'string' ? '个字' : '项'}`],
  [/^Too big: expected (string|array) to have <=(\d+) (characters|items)$/, (m) => `最多 ${m[2]} ${m[1] === 'string' ? '个字' : '项'}`],
  [/^the text has the control character (U\+[0-9A-F]{4}): a rule file is UTF-8 text, not binary$/, (m) => `含有控制字符 ${m[1]}：规则文件应为 UTF-8 文本，而不是二进制文件`],
  [/^missing or unreadable$/, () => '文件缺失或无法读取'],
];

export function problemText(problem: string, lang: Lang): string {
  if (lang !== 'zh') return problem;
  for (const [pattern, say] of ZH) {
    const m = pattern.exec(problem);
    if (m) return say(m);
  }
  return problem;
}
