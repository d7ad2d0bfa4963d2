/**
 * The place a caller names (和平路, 阳光花园, 南郊化工厂): a short name ending in a kind of
 * place. It keys a complaint storm (many callers on one matter at one place) and fills the
 * wrap-up's "place mentioned". Deliberately plain: the first named place, or null; words
 * that only point (我们小区, 那个路口, 走在路上) are no name.
 *
 * @example
 *   placeOf('喂 和平路地铁工地半夜施工 声音特别大'); // '和平路'
 *   placeOf('我们小区停水了');                       // null
 */
const KINDS = [
  '大道', '大街', '路', '街', '巷', '胡同',
  '小区', '花园', '家园', '公寓', '新村', '苑', '村', '镇', '乡', '社区',
  '广场', '公园', '大厦', '市场', '工业园', '园区',
  '地铁站', '公交站', '火车站', '医院', '小学', '中学', '学校', '化工厂', '工厂', '厂', '大桥', '桥',
].sort((a, b) => b.length - a.length);
const KIND = new RegExp(KINDS.join('|'), 'gu');
const HAN = /\p{Script=Han}/u;
/** A name starts after the last of these: pointing words, pronouns, verbs of going and being. */
const BEFORE_NAME = /.*(投诉|举报|反映|反应|咨询|请问|问一下|问下|知道|我们|咱们|你们|他们|这个|那个|这边|那边|旁边|附近|门口|对面|隔壁|楼下|哪个|什么|每个|整个|所有|就是|还有|然后|[我你他她在的了是到去从走过上下一这那个条边住家叫])/u;
const LONGEST_NAME = 4;

export function placeOf(text: string): string | null {
  for (const m of text.matchAll(KIND)) {
    let start = m.index;
    while (start > 0 && m.index - start < LONGEST_NAME && HAN.test(text[start - 1]!)) start--;
    const name = text.slice(start, m.index).replace(BEFORE_NAME, '');
    if (name.length >= 2) return name + m[0];
  }
  return null;
}
