import { describe, expect, it } from 'vitest';
import { normalizeText } from './normalize.ts';
import { placeOf } from './place.ts';

const place = (s: string) => placeOf(normalizeText(s));

describe('placeOf', () => {
  it('finds the same name however callers lead up to it', () => {
    for (const s of ['和平路地铁站那个工地还在打桩', '喂，和平路地铁工地半夜施工', '那个和平路地铁站的工地啊', '我投诉和平路站工地夜里施工']) expect(place(s), s).toBe('和平路');
  });

  it('takes estates, parks and works by their names, and drops the pointing words before them', () => {
    expect(place('我家在阳光花园三栋')).toBe('阳光花园');
    expect(place('我们小区旁边那个南郊化工厂晚上排气')).toBe('南郊化工厂');
    expect(place('滨江大道那边积水')).toBe('滨江大道');
  });

  it('names nothing when the caller only points, or walks', () => {
    for (const s of ['我们小区停水了', '走在路上摔了一跤', '马路边上的树歪了', '公积金怎么提取', '']) expect(place(s), s).toBeNull();
  });
});
