import type { Intent } from '../ivr/flow.ts';
import { normalizeText } from './normalize.ts';
import type { Suggestion } from './suggestion.ts';

/**
 * The kind of request (CONTRACTS §1 `intent`). What the caller says about it wins
 * (我要投诉, 表扬一下, 我建议); otherwise the fitting scenario's usual kind; otherwise a
 * question. Cues are checked in this order because the earlier kinds are rarer and more
 * explicit: a caller who praises or suggests says so.
 */
const CUES: readonly (readonly [Intent, RegExp])[] = [
  ['praise', /表扬|感谢你们|谢谢你们|点赞|送锦旗|特别感谢|非常感谢/],
  ['suggestion', /我建议|建议(你们|政府|相关部门|在|把|增加|加)|提个建议|提一个建议|希望(能|可以)?(增加|加|多设|设置|开通)/],
  ['complaint', /投诉|举报|没人管|不管不问|扰民|吵得|太吵|拖欠|不发工资|欠薪|不退|骗了|乱收费|态度(太)?差|不作为|曝光/],
  ['report', /坏了|停水|停电|没水|没电|漏水|漏气|报修|故障|塌陷|堵了|冒水|不亮/],
];

export function classifyIntent(text: string, best: Suggestion | null): Intent {
  const normalized = normalizeText(text).replace(/ /g, '');
  for (const [intent, cue] of CUES) if (cue.test(normalized)) return intent;
  return best?.intent ?? 'consult';
}
