import { beforeAll, describe, expect, it } from 'vitest';
import { shippedKnowledge } from '../../../test/support/knowledge.ts';
import { shippedRules } from '../../../test/support/rules.ts';
import { MemoryCallerHistory } from '../caller-history.ts';
import { AssistEngine } from '../engine.ts';
import type { KnowledgeIndex } from '../knowledge-index.ts';
import type { Rules } from '../rules/library.ts';

// GIVEN the shipped knowledge base and rules behind the assist engine.
describe('flag detectors', () => {
  let index: KnowledgeIndex;
  let rules: Rules;
  beforeAll(async () => {
    index = (await shippedKnowledge()).index;
    rules = await shippedRules();
  });
  const engine = (history = new MemoryCallerHistory()) => new AssistEngine(() => index, () => rules, history);
  const at = Date.UTC(2026, 10, 20, 1);
  const flagsOf = (text: string) => engine().analyze(text, { callerHash: null, atMs: at }).flags.map((f) => `${f.kind}.${f.category}`);

  it.each([
    ['plain', '你们这帮废物，什么都办不成'],
    ['a masked character', '你个傻*，听懂了没有'],
    ['a homophone', '你就是个煞笔'],
    ['pinyin initials', '你们就是sb'],
  ])('catches an insult written %s, with the evidence', (_how, text) => {
    const [flag] = engine().analyze(text, { callerHash: null, atMs: at }).flags;
    expect(flag).toMatchObject({ kind: 'abuse', category: 'insult' });
    expect(flag!.evidence.length).toBeGreaterThan(0);
    expect(flag!.script).toMatch(/文明/);
  });

  it('raises a threat for the supervisor, and never flags an innocent request', () => {
    const [threat] = engine().analyze('我明天就去你们单位门口堵你', { callerHash: null, atMs: at }).flags;
    expect(threat).toMatchObject({ kind: 'abuse', category: 'threat', alertSupervisor: true });
    for (const text of ['小区垃圾桶满了好几天没人清理', '我家狗丢了怎么办', '死亡证明怎么开', '燃气灶打不着火了怎么报修', '去年我们楼着过一次火，现在想问问灭火器在哪买']) {
      expect(flagsOf(text), text).toEqual([]);
    }
    // Coming with a weapon or petrol, naming where a staff member's child is, "nobody leaves this door": threats.
    for (const text of ['再不拆我就拎着菜刀上城管队去，找那个队长', '汽油我都买好了，再不批我就去街道办把那屋子点了', '再不给我批，我晓得他娃儿在哪个学校', '今儿不给我个说法，谁也甭想囫囵个儿走出这个门']) {
      expect(flagsOf(text), text).toContain('abuse.threat');
    }
    for (const text of ['我拿着菜刀在厨房切菜，燃气灶突然打不着了', '你们不管，我就去打他电话问问', '汽油价格是不是又涨了']) {
      expect(flagsOf(text), text).not.toContain('abuse.threat');
    }
  });

  it('puts an emergency first, routes it to 110/119/120 and calls it a report', () => {
    const analysis = engine().analyze('家里燃气味道特别大，好像漏气了', { callerHash: null, atMs: at });
    expect(analysis.flags[0]).toMatchObject({ kind: 'urgent', category: 'emergency', severity: 'emergency', alertSupervisor: true });
    expect(analysis).toMatchObject({ department: 'emergency', intent: 'report' });
    expect(flagsOf('我们整栋楼从早上就停水了，到现在还没来')).toEqual(['urgent.high']);
    expect(flagsOf('没有着火，就是楼道里有点烟味')).toEqual([]);
    // A fire already put out is not one now; lights that went out (都灭了) are an outage, not a fire put out.
    expect(flagsOf('前天晚上楼下的车着火了，消防来得很快，已经扑灭了，就是那辆烧坏的车一直没拖走')).not.toContain('urgent.emergency');
    expect(flagsOf('我们这一片全停电了，连路口红绿灯都灭了，已经两个多小时了')).toEqual(['urgent.high']);
  });

  it.each([
    ['an overdose', '我吃了一整瓶安眠药，就想找个人说句话'],
    ['a child swallowing a battery', '孩子把遥控器里的纽扣电池吞下去了，咋办啊'],
    ['a fall with no answer', '我爸在卫生间摔倒了，喊他也不应，人起不来'],
    ['someone on a roof edge', '对面楼顶站着个人，在边上晃，好像要往下跳'],
    ['a child outside a balcony', '邻居家小孩一个人爬到阳台外面去了，快要掉下来了'],
    ['gas in the stairwell', '楼道里一股好浓的煤气味，不晓得是哪家的'],
    ['a farewell that thanks the hotline for the past', '我不想活了，这是最后一个电话，谢谢你们以前帮过我，再见'],
  ])('sees an emergency described by what the caller sees: %s', (_what, text) => {
    expect(flagsOf(text)[0]).toBe('urgent.emergency');
  });

  it.each([
    ['chronic factory smoke (pollution)', '我们小区旁边那个厂每天晚上冒黑烟，臭得窗户都不敢开'],
    ['a stove that will not light', '燃气灶打不着火，没漏气，就是点不着'],
    ['a near miss', '井盖不见了，刚才差点有个小孩掉进去'],
    ['a kitchen knife', '我拿刀去厨房切菜，刚好听到电话响'],
    ['falling prices', '股票快要掉下来了，你们管不管'],
    ['a past rescue the caller praises', '我家孩子上个月掉河里被一个保安救起来了，现在没事了，想表扬他'],
    ['a drill being planned', '我们单位要搞消防演练，模拟燃气泄漏和火灾，需要跟哪个部门报备'],
  ])('raises no emergency for %s', (_what, text) => {
    expect(flagsOf(text)).not.toContain('urgent.emergency');
  });

  it('raises, from the examples, a flag no rule spells out, marked as learned, with its script', () => {
    // No rule matches 你这种人也配接电话; examples of contempt for the operator teach it.
    const flag = engine().analyze('你这种人也配接电话，连个社保都查不明白', { callerHash: null, atMs: at }).flags.find((f) => f.kind === 'abuse');
    expect(flag).toMatchObject({ kind: 'abuse', category: 'insult', learned: expect.any(Number) });
    expect(flag!.learned).toBeGreaterThanOrEqual(rules.examples.threshold);
    expect(flag!.script).toMatch(/文明/);
    expect(flagsOf('社保卡丢了，下了班还能去哪补办')).toEqual([]);
  });

  it('never raises a category its `unless` rules out, whether a rule or the examples would', () => {
    // A shop that will not refund is 12315's to mediate; a debt between private people is a court's.
    expect(flagsOf('网上买的羽绒服跑绒，卖家就是不给退，你们帮我把钱要回来')).not.toContain('unreasonable.judicial_route');
    expect(flagsOf('朋友借了我五万块钱一直不还，你们帮我要回来')).toContain('unreasonable.judicial_route');
  });

  it('tells an emergency now from words of one that is not: hyperbole, a gas meter, a threat for later, help already gone, a what-if', () => {
    for (const text of [
      '这个天气热得我想死，每天等公交晒半个小时，站台能不能装个遮阳棚',
      '我家燃气卡充了钱插进去还是没气了，是卡坏了还是表坏了',
      '燃气热水器打着火一会儿就灭了，找燃气公司还是厂家修',
      '刚才小区门口有个老人晕倒，120已经拉走了，我想反映那个台阶太高没有扶手',
      '如果家里老人突然晕倒了，是打120还是打你们12345',
      '我听说有人打12345骂接线员，你们辛苦了，我想问问垃圾分类的时间',
    ]) expect(flagsOf(text), text).not.toContain('urgent.emergency');
    // A threat of a knife tomorrow is a threat to staff (the supervisor hears of it), not an emergency now.
    expect(flagsOf('信不信我明天拿刀上你们办公室，把那个经办的给剁了')).toEqual(['abuse.threat']);
    for (const text of ['有人拿着刀在砍人，就在楼下，快来', '我爸倒在地上没气了', '我真的想死，活不下去了', '累得我想死，活着真没意思，药都准备好了']) {
      expect(flagsOf(text), text).toContain('urgent.emergency');
    }
  });

  it('tells a question about which number to ring from a fire now, and hears self-harm and a heart attack said in passing', () => {
    for (const text of ['家里要是着火了，是打119还是打110啊', '我想问问120和110有什么区别', '消防通道被车堵死了，着火了消防车都进不来', '我们厂昨天有人打架，不是现在，已经报过警了，想问问后续谁处理', '我姐被家暴过，想问问人身安全保护令怎么申请', '楼道里堆了好多纸箱，有火灾隐患，现在没事，就是担心']) {
      expect(flagsOf(text), text).not.toContain('urgent.emergency');
    }
    for (const text of ['厨房着火了，火很大，快来人', '现在着火了，有爆炸的风险', '他正在家暴我，快来人']) expect(flagsOf(text), text).toContain('urgent.emergency');
    for (const text of ['我那些安眠药都攒够了，这事你们不管我也不想熬了', '我问一下医保报销的事，哎我胸口闷得厉害，一身冷汗，喘不上来气']) {
      expect(flagsOf(text), text).toContain('urgent.emergency');
    }
  });

  it('hears self-harm whatever else is said (thanks, the past), and lets a danger go once the caller says it is over', () => {
    const farewell = engine().analyze('我刚刚吃了一整瓶安眠药，就想打电话跟你们说声再见，谢谢你们以前帮过我', { callerHash: null, atMs: at });
    expect(farewell.flags.map((f) => `${f.kind}.${f.category}`)).toContain('urgent.emergency');
    // A farewell with thanks is a call for help, not praise.
    expect(farewell.intent).toBe('report');
    expect(flagsOf('我老婆生孩子大出血，已经抢救过来了，母子平安，想问问新生儿医保怎么办')).not.toContain('urgent.emergency');
    // 是不是漏气了 asks whether gas leaks: no denial of it.
    expect(flagsOf('楼道里煤气味特别冲，对门敲门也没人应，是不是漏气了')).toContain('urgent.emergency');
  });

  it('takes no question mark, written zero or placeholder for a masked insult, nor two everyday words for one by sound', () => {
    for (const text of ['喂？有没有人？', '什么叫不在受理范围？那你告诉我归谁管', '二○二五年的社保缴费基数是多少', '我们八○后交社保', '我住在二xx栋']) {
      expect(flagsOf(text), text).not.toContain('abuse.insult');
    }
    expect(flagsOf('你个傻*，听懂了没有')).toContain('abuse.insult');
    expect(flagsOf('你这个混*')).toContain('abuse.insult');
    // 把|坡 sounds like 八婆; 傻|比 keeps a character of 傻逼, 沙比 is one word.
    expect(flagsOf('山上滑坡下来了，把坡底下老张家的房子埋了半截')).not.toContain('abuse.insult');
    expect(flagsOf('你个傻比')).toContain('abuse.insult');
    expect(flagsOf('你个沙比')).toContain('abuse.insult');
  });

  it('takes out phrases that only hold an insult: sb卡 for 社保卡, a comparison, someone else\'s talk described', () => {
    expect(flagsOf('我爸的社保卡也就是sb卡丢了，我帮他问问去哪补')).not.toContain('abuse.insult');
    expect(flagsOf('工地把沙子堆到人行道上，那堆沙比人还高，轮椅根本过不去')).not.toContain('abuse.insult');
    expect(flagsOf('我邻居骂人可难听了，什么你妈的都往外说，这种能报警吗')).not.toContain('abuse.insult');
    // The same words aimed at the operator still are.
    expect(flagsOf('你个sb，社保卡到底怎么补')).toContain('abuse.insult');
    expect(flagsOf('你个沙比，听不懂人话')).toContain('abuse.insult');
  });

  it('hears harassment said in Cantonese, object first, and a score filled in for a pupil as against the rules', () => {
    expect(flagsOf('靓女，你把件衫除咗俾我睇下啦')).toContain('abuse.sexual');
    expect(flagsOf('你把衣服脱了给我看看')).toContain('abuse.sexual');
    expect(flagsOf('衣服脱了的那个人晕倒了快来')).not.toContain('abuse.sexual');
    expect(flagsOf('学生体育测试那天生病没去，能不能让我替他把成绩填上')).toContain('unreasonable.against_law');
    // Sitting the exam again next year is the pupil's right, not a retake demanded.
    expect(flagsOf('我外孙今年高考没发挥好，想复读明年再考，复读生报名有什么限制吗')).not.toContain('unreasonable.against_law');
  });

  it('reads "you won\'t do anything about it?" as a demand, and asking for a family member as no family matter', () => {
    // 不管管吗 asks nothing about what the hotline takes: the demand stands.
    expect(flagsOf('月子中心一个月要八万，这种价格你们政府不管管吗，让他们降')).toContain('unreasonable.market_pricing');
    expect(flagsOf('月子中心一个月要八万，我替我儿媳妇问问，这种价格你们政府不管管吗')).not.toContain('unreasonable.private_matter');
    expect(flagsOf('我儿子天天不回家，你们社区派个人去劝劝他')).toContain('unreasonable.private_matter');
  });

  it('hears petrol carried to die together as an emergency beside the threat, and gas fumes told by what they do', () => {
    expect(flagsOf('我家承包地被人占了没人管，我明天扛一桶汽油去村委会，跟那个书记同归于尽')).toEqual(expect.arrayContaining(['urgent.emergency', 'abuse.threat']));
    expect(flagsOf('燃气公司报修三次没人来，现在厨房那味儿呛得我头晕，灯都不敢开')).toContain('urgent.emergency');
    // Days of chest tightness are a matter of health; street lights that went out are no fire put out.
    expect(flagsOf('这两天我胸口发闷，想问问社区医院几点开门')).not.toContain('urgent.emergency');
    expect(flagsOf('从昨晚开始我们这一片好几个小区外面的路灯全灭了，整条街黑漆漆的，已经有人摔了')).toContain('urgent.high');
    expect(flagsOf('上个星期我家柴房着火，119来得快，人没事，想问问受灾能不能申请临时救助')).not.toContain('urgent.emergency');
  });

  it('takes words in plain quotation marks and a staff member\'s shout as someone else\'s, and one\'s own silly kid as fondness', () => {
    expect(flagsOf("社保窗口那个大姐冲我吼'你是听不懂人话还是不识字'，我就是问问养老金")).not.toContain('abuse.insult');
    expect(flagsOf('我家那个瓜娃子在浙江打工，社保交了六年，养老保险能不能转回来')).not.toContain('abuse.insult');
    expect(flagsOf('你个瓜娃子，听不懂人话嗦')).toContain('abuse.insult');
  });

  it('sees cashing out medical insurance, inflated invoices, a rain prayer and a day off from the boss', () => {
    expect(flagsOf('医保个人账户里的钱我想取现金出来买菜，药店不给刷，你们让他们给我套现')).toContain('unreasonable.against_law');
    expect(flagsOf('你跟税务局说一下，我开发票能不能多开点金额，对方公司要拿去报销')).toContain('unreasonable.against_law');
    expect(flagsOf('我要举报那家药店，专门给人刷医保卡套现')).not.toContain('unreasonable.against_law');
    expect(flagsOf('天太旱了，你们县里能不能组织大家求个雨')).toContain('unreasonable.superstition');
    expect(flagsOf('帮我跟我们砖厂老板说一声我明天请假，他电话不接')).toContain('unreasonable.private_matter');
  });

  it('hears an insult by its sound only where the caller said a word, and dialect insults aimed at someone', () => {
    // 机构关门 sounds like 狗官 across 机构|关门.
    expect(flagsOf('交了学费的那家培训机构关门了，钱怎么退')).not.toContain('abuse.insult');
    expect(flagsOf('你们这些狗关，就知道推')).toContain('abuse.insult');
    expect(flagsOf('恁这帮信球，俺问的事一个月了没人管')).toContain('abuse.insult');
    expect(flagsOf('孩子在体育馆买了个新球，问问场馆几点关门')).not.toContain('abuse.insult');
  });

  it('raises no unreasonable demand for a caller who asks whether the hotline takes a matter, nor for a neighbour\'s superstition', () => {
    expect(flagsOf('我家门口的镜子，对门非说冲了他家风水，天天来闹，这种事归谁管')).not.toContain('unreasonable.superstition');
    expect(flagsOf('大师说小区门口的路灯杆冲了我家风水，你们把它挪走')).toContain('unreasonable.superstition');
    // Someone else's superstition, or a fortune teller's stall, is the setting of a fair complaint.
    expect(flagsOf('对面那户人家信风水，在楼道里摆了两个石狮子，把消防通道都堵了')).not.toContain('unreasonable.superstition');
    expect(flagsOf('天桥底下有个算命的摊子天天占着盲道，归谁管')).not.toContain('unreasonable.superstition');
    expect(flagsOf('你们把投诉我的那个人的电话给我，我要找他问清楚')).toContain('unreasonable.against_law');
  });

  it('sees demands against the law in new forms, and not their lawful neighbours', () => {
    for (const text of ['帮我查一下隔壁那家人的手机号和身份证号', '禁渔期让我出海打一天鱼行不行', '我爸去世了，养老金还在发，能不能先别告诉社保局，我们接着领']) {
      expect(flagsOf(text), text).toContain('unreasonable.against_law');
    }
    for (const text of ['我的身份证号被人泄露了，怎么办', '禁渔期是从几月到几月', '我爸去世了，养老金还在往卡里打，怎么退回去']) {
      expect(flagsOf(text), text).not.toContain('unreasonable.against_law');
    }
  });

  it('hears a farewell beside the means as self-harm, but not a polite goodbye, a dream or a fire put out last week', () => {
    expect(flagsOf('工作也没了，我也想明白了，今天就把事情都了了，药我都买好了，就是想最后跟人说一声')).toEqual(['urgent.emergency']);
    expect(flagsOf('好的，那就这样，跟你说声再见，谢谢啊')).toEqual([]);
    expect(flagsOf('我妈的药我都买好了，最后跟你确认一下医保能报多少')).not.toContain('urgent.emergency');
    // A farewell is a matter of substance: no "nothing to ask" closing beside the emergency.
    expect(flagsOf('没什么事，就是打电话谢谢你们这些年帮过我，安眠药我都备好了，以后不会再打扰你们了')).toEqual(['urgent.emergency']);
    expect(flagsOf('我一直梦见我老头子，他说他喘不上气，你们修路的能不能绕开他的坟')).not.toContain('urgent.emergency');
    expect(flagsOf('我老伴儿做梦说胡话，现在叫不醒了')).toEqual(['urgent.emergency']);
    expect(flagsOf('上个礼拜楼道电动车着火了，消防来扑灭了，现在人都没事，烧坏的电线能不能用维修资金修')).toEqual([]);
  });

  it('tells a new demand against the law, a matter for the courts or a private one from a fair complaint', () => {
    expect(flagsOf('能不能把户口本上孙子的生日改早几天，好让他今年上小学')).toContain('unreasonable.against_law');
    expect(flagsOf('户口本上我的出生日期登记错了，和出生证不一致，怎么更正')).not.toContain('unreasonable.against_law');
    expect(flagsOf('厨房太小了，想把燃气表挪到卧室里去，你们让燃气公司给我改')).toContain('unreasonable.against_law');
    // "Not wages but the contract sum" is a debt between businesses.
    expect(flagsOf('开发商欠我工程款一百多万，这不是工人工资，是工程款，你们让开发商给钱')).toContain('unreasonable.judicial_route');
    expect(flagsOf('包工头欠了我们农民工三个月工资，你们管不管')).not.toContain('unreasonable.judicial_route');
    // Unpaid overtime is a right under labour law, a spouse's pay packet a family matter.
    expect(flagsOf('单位领导天天让我们加班到十点，加班费一分不给，这个你们管不管')).not.toContain('unreasonable.private_matter');
    expect(flagsOf('我老公每个月工资都不交给我，你们政府出面让他把工资卡交出来')).toContain('unreasonable.private_matter');
    // The government asked to hold a rite for ghosts is a superstitious demand, whoever believes in them.
    expect(flagsOf('村里人都说那个路口不干净，有冤魂，我想请你们政府出面，请个道士来做场法事')).toContain('unreasonable.superstition');
  });

  it('hears a threat to staff passed on through the operator, and children playing at phoning as no request', () => {
    expect(flagsOf('那个收我三轮车的城管，你告诉他，下回在集上让我碰见，我一刀捅死他')).toContain('abuse.threat');
    expect(flagsOf('嘿嘿，我是三年级二班的，我们在玩打电话的游戏，拜拜')).toEqual(['no_request.chat_only']);
    expect(flagsOf('喂，我没别的事，就想问问你们这个电话晚上几点下班，半夜能打通吗')).not.toContain('no_request.chat_only');
  });

  it('tells a demand to lock a fire exit from a complaint that one is locked', () => {
    // Others going through the door is the reason for the demand; others blocking the lane is the complaint.
    expect(flagsOf('我们楼道消防通道那个门老有人走，让物业给焊死算了')).toContain('unreasonable.against_law');
    expect(flagsOf('楼道里有人堆杂物，把消防通道堵了，能不能让物业清理')).not.toContain('unreasonable.against_law');
    expect(flagsOf('我们楼安全出口晚上老有人进出，你们让物业把那个门锁上')).toContain('unreasonable.against_law');
    expect(flagsOf('物业为了防盗把楼道消防门上了锁，万一着火跑不出去，请你们督促物业打开')).not.toContain('unreasonable.against_law');
  });

  it('drops a rule-raised flag the examples all but rule out, but never an emergency', () => {
    // GIVEN examples where a word a rule keys on (财运, 着火) is only ever the setting of an ordinary question.
    const counter = [
      '公司年会老板说抽中大奖的人财运好，想问问奖金个税怎么算',
      '超市搞活动说买够两百能转运势，其实就是抽奖，抽奖活动要备案吗',
      '彩票店门口写着财运亨通，我想问问彩票店要什么执照',
      '我想问问年终奖的个税，老板说今年大家财运都不错',
    ];
    const taught: Rules = {
      ...rules,
      examples: {
        ...rules.examples,
        veto: { below: 0.5, except: ['urgent.emergency'] },
        examples: [...rules.examples.examples, ...counter.flatMap((text) => Array.from({ length: 3 }, () => ({ text, flags: [], allow: [] })))],
      },
    };
    const strict = new AssistEngine(() => index, () => taught, new MemoryCallerHistory());
    const flagsBy = (e: AssistEngine, text: string) => e.analyze(text, { callerHash: null, atMs: at }).flags.map((f) => `${f.kind}.${f.category}`);
    const noisy = '小区门口新开的彩票店说能旺财运，天天放喇叭';
    // WHEN the veto is on, THEN the superstition flag of the shop's loudspeaker is dropped …
    expect(flagsOf(noisy)).toContain('unreasonable.superstition');
    expect(flagsBy(strict, noisy)).not.toContain('unreasonable.superstition');
    // … while a fire, even where the examples know nothing of it, still raises the emergency.
    expect(flagsBy(strict, '年会的酒店着火了，火很大，快来人')).toContain('urgent.emergency');
  });

  it('reads typed pinyin as the characters it spells, but a sound run never crosses a pause', () => {
    expect(flagsOf('sha bi jie xian yuan, ni dong bu dong a')).toContain('abuse.insult');
    expect(flagsOf('ni de sheng yin hao xing gan a')).toContain('abuse.sexual');
    // 冲煞了，你们 sounds like 杀了你 only if the pause is ignored.
    expect(flagsOf('对面那家挂了个八卦镜对着我家，冲煞了，你们管不管')).not.toContain('abuse.threat');
  });

  it('flags an unreasonable request with its basis and script, and the operator decides', () => {
    const [flag] = engine().analyze('拆迁的事信访已经三级终结了，可我还是不服，你们给我重新处理', { callerHash: null, atMs: at }).flags;
    expect(flag).toMatchObject({ kind: 'unreasonable', category: 'closed_by_petition', referral: 'petition' });
    expect(flag!.basis).toContain('国办发〔2020〕53号');
    expect(flagsOf('停车场一小时收二十块，太贵了，你们让他们降价')).toContain('unreasonable.market_pricing');
    expect(flagsOf('超市标价五块结账收了七块，这是价格欺诈吧')).not.toContain('unreasonable.market_pricing');
  });

  it('sees a caller with nothing to ask, and a request is never "chat"', () => {
    expect(flagsOf('没什么事，就是一个人在家无聊，想找你聊聊天')).toEqual(['no_request.chat_only']);
    expect(flagsOf('喂，喂，嗯，那个，算了')).toEqual(['no_request.chat_only']);
    expect(flagsOf('我一个人在家无聊，想问问社保卡丢了怎么补办')).toEqual([]);
    // One rule hears 反映 and rules chat out, another hears "nothing to report": the examples decide.
    expect(flagsOf('嗯……那个……就是……没事，也没啥要反映的，就想听听有人说话')).toEqual(['no_request.chat_only']);
  });

  it('reads an insult as abuse only: its characters are no request of another kind', () => {
    // 煞 of 煞笔 is also the 煞 of feng shui (冲煞), which alone would raise superstition.
    expect(flagsOf('煞笔客服，我就问个公积金怎么提取')).toEqual(['abuse.insult']);
    expect(flagsOf('我家对面楼顶的尖角冲煞，你们让他拆了')).toContain('unreasonable.superstition');
  });

  it('tells an insult the caller quotes from someone else from one aimed at the operator', () => {
    // GIVEN a caller reporting a neighbour's words, THEN that is their matter, not abuse
    expect(flagsOf('我家楼上那个人天天半夜骂人，什么傻逼啊都骂，吵得孩子睡不着，这归谁管')).toEqual([]);
    expect(flagsOf('他骂我傻逼，你们管不管')).toEqual([]);
    // Quotation marks say whose words they are, even with a 你 inside them.
    expect(flagsOf('菜市场的摊主骂我“你个瓜娃子买不起就莫看”，态度太恶劣了，我要投诉')).toEqual([]);
    expect(flagsOf('菜市场的摊主骂我，你个瓜娃子，听懂没')).toEqual(['abuse.insult']);
    // Someone else's words right after they are said to speak are theirs, even with a 你 and no quotation marks.
    expect(flagsOf('出租车司机嫌路近，一路上骂骂咧咧说你他妈的坐什么车，我要投诉他')).toEqual([]);
    expect(flagsOf('快递员送错了我说了他一句，他回我一句你妈的，这个能投诉吗')).toEqual([]);
    expect(flagsOf('医院的护士凶我爸，说老不死的别在这儿吵，我要投诉她')).toEqual([]);
    expect(flagsOf('我妈住院的时候，有个护工嫌她动作慢，说她老不死的拖累人，我想投诉这家医院')).toEqual([]);
    expect(flagsOf('楼上那两口子天天半夜吵架，互相骂操你妈，能不能让社区管一管')).toEqual([]);
    // Someone and their verb of saying right before the words make them theirs, even with a 你.
    expect(flagsOf('上周接我电话的那个人，他不耐烦地说你有病吧，这种态度你们管不管')).toEqual([]);
    expect(flagsOf('你有病吧')).toEqual(['abuse.insult']);
    // WHEN the words are (also) said to the operator, THEN it is abuse as usual
    expect(flagsOf('傻逼客服，我邻居天天骂人你们也不管')).toEqual(['abuse.insult']);
    expect(flagsOf('我骂你傻逼怎么了')).toEqual(['abuse.insult']);
    expect(flagsOf('他骂我你们都不管，我弄死你们')).toContain('abuse.threat');
  });

  it('calls a failure of wide impact a report, and a recurring one a complaint', () => {
    expect(engine().analyze('我们整个小区燃气停了一天了，没法做饭，也没说什么时候恢复', { callerHash: null, atMs: at })).toMatchObject({ intent: 'report' });
    expect(engine().analyze('每次下大雨中心街积水都有半米深，车都过不去', { callerHash: null, atMs: at })).toMatchObject({ intent: 'complaint' });
  });

  it('flags the third call in a day, listing the earlier ones, by the hashed number only', () => {
    const history = new MemoryCallerHistory();
    const e = engine(history);
    const caller = { callerHash: 'hash-of-a-number-0001' };
    const calls = [0, 2, 6].map((hours) => at + hours * 3_600_000);
    const results = calls.map((atMs) => {
      const analysis = e.analyze('公积金提取怎么弄', { ...caller, atMs });
      e.remember({ ...caller, atMs, scenarioId: analysis.suggestions[0]?.id ?? null, place: analysis.place, outcome: 'answered' });
      return analysis.flags.filter((f) => f.kind === 'repeat');
    });
    expect(results[0]).toEqual([]);
    expect(results[1]).toEqual([]);
    expect(results[2]).toEqual([expect.objectContaining({ category: 'frequent', earlier: [expect.objectContaining({ at: new Date(calls[1]!).toISOString() }), expect.objectContaining({ at: new Date(calls[0]!).toISOString() })] })]);
    // The same matter again on a later day is "same_issue".
    const nextWeek = at + 5 * 86_400_000;
    expect(e.analyze('公积金提取怎么弄', { ...caller, atMs: nextWeek }).flags.map((f) => f.category)).toContain('same_issue');
  });

  it('sees a complaint storm: five callers on one matter at one place within the hour, not five anywhere', () => {
    const history = new MemoryCallerHistory();
    const e = engine(history);
    const call = (n: number, text: string, minutes: number) => {
      const context = { callerHash: `hash-of-a-number-${n}`, atMs: at + minutes * 60_000 };
      const analysis = e.analyze(text, context);
      e.remember({ ...context, scenarioId: analysis.suggestions[0]?.id ?? null, place: analysis.place, outcome: 'answered' });
      return analysis.flags.filter((f) => f.category === 'flood');
    };
    // GIVEN four callers about night works at four different sites
    ['解放路', '中山路', '人民路', '建设路'].forEach((road, n) => expect(call(n, `${road}的工地半夜还在施工，吵得睡不着`, n)).toEqual([]));
    // WHEN callers about one site follow, THEN the fifth about that site is a storm, with the place in the evidence
    for (let n = 10; n < 14; n++) expect(call(n, '和平路地铁工地半夜施工，声音特别大', n)).toEqual([]);
    const [flood] = call(14, '和平路那边地铁站工地十一点多了还在施工', 14);
    expect(flood).toMatchObject({ kind: 'repeat', category: 'flood', evidence: [expect.stringContaining('和平路')] });
  });

  it('routes by the responsibility list and says why', () => {
    expect(engine().analyze('飞机从小区上面飞过去噪音太大，让社区管管', { callerHash: null, atMs: at })).toMatchObject({ department: 'civil_aviation', departmentReason: expect.stringContaining('民航') });
    expect(engine().analyze('邻居家天天吵架，我想请社区出面调解一下', { callerHash: null, atMs: at })).toMatchObject({ department: 'grassroots' });
    expect(engine().analyze('驾驶证到期了怎么换', { callerHash: null, atMs: at })).toMatchObject({ department: 'traffic_police', departmentReason: expect.stringContaining('驾驶证') });
    const departmentOf = (text: string) => engine().analyze(text, { callerHash: null, atMs: at }).department;
    // Neighbours who would not listen are the community's to mediate; wages owed are labour inspection's.
    expect(departmentOf('楼下那家天天在楼道里晾咸鱼，跟他们说了好几次也不听')).toBe('grassroots');
    expect(departmentOf('干了三个月装修，包工头欠我八千块工钱一直不给')).toBe('labor_inspection');
    // Prices not as posted and unlabelled goods are market regulation's; praise for the hotline's staff is the hotline's.
    expect(departmentOf('菜场门口牌子上写的是三块一斤，结账收了我五块一斤')).toBe('market_regulation');
    expect(departmentOf('我想表扬一下你们那个小李，上次帮我问清楚了医保的事')).toBe('hotline');
    // Praise of another department's staff is the hotline's to record and pass on; a thanks beside a question is not praise.
    expect(departmentOf('台风刮断的电线昨天就修好了，特地打电话来感谢供电所的师傅')).toBe('hotline');
    expect(departmentOf('谢谢你们啊，我想问问公积金怎么提取')).toBe('housing_fund');
    // How city-management or social-insurance staff behaved is their department's to check, not a hospital's.
    expect(departmentOf('城管收摊的时候一脚把我的秤踢飞了，态度太差了，我要投诉他')).toBe('urban_management');
    expect(departmentOf('社保大厅窗口那个人态度特别差，爱答不理的，我要投诉')).toBe('hrss');
    expect(departmentOf('医院挂号处的人态度太差了，我要投诉')).toBe('health');
    // The responsible department, not the words a scenario shares: a pole is where fly-posters stick, not the grid's.
    expect(departmentOf('小区里有人在单元门和电线杆上贴那种不正经的小卡片')).toBe('urban_management');
    expect(departmentOf('我是房东，租客要我开房租发票，个人去哪里代开')).toBe('tax');
    expect(departmentOf('我们楼顶装了个通信基站，想问问有没有做过辐射检测')).toBe('eco_environment');
    expect(departmentOf('楼上晚上十一点多还在拖椅子跳绳，咚咚咚的，我上去说了也没用')).toBe('grassroots');
    expect(departmentOf('我上个月反映村口路灯不亮的那个单子，现在有人处理了没有')).toBe('hotline');
    expect(departmentOf('物业通知这周六小区搞消防演练，我家老人心脏不好，能不能别拉警报')).toBe('housing');
    expect(departmentOf('街道通知下周三搞消防演练，想问问几点开始')).toBe('grassroots');
    expect(departmentOf('镇上到县城唯一那趟班车今天突然停了，好多老人等着去县医院透析')).toBe('transport');
    expect(departmentOf('楼道里的水表冻裂了，一直在滋水')).toBe('water');
    expect(departmentOf('村委会的账三年没公开了，我们村民想看看钱都花哪了')).toBe('grassroots');
    expect(departmentOf('殡仪馆的遗体接运和火化收了四千多，单子上好多项目')).toBe('civil_affairs');
    expect(departmentOf('我想在楼顶平台上盖两间房，跟你们报备一下就行了吧')).toBe('urban_management');
    expect(departmentOf('邻居在基本农田上盖了个两层小楼，怎么没人管')).toBe('natural_resources');
    expect(departmentOf('我爸想立个遗嘱，去哪里做公证')).toBe('judicial');
    // No scenario fits, the words still name the department: public toilets, rigged scales, a tax hall, water bills.
    expect(departmentOf('公园里面那个公共厕所脏得没法进，也没人打扫')).toBe('urban_management');
    expect(departmentOf('菜市场有摊贩用鬼秤，一斤只有八两')).toBe('market_regulation');
    expect(departmentOf('税务大厅排了一上午队，十个窗口只开两个')).toBe('tax');
    expect(departmentOf('今年热死了，地里的菜都晒蔫了，灌溉渠一直不放水')).toBe('water');
    // A threat to sue or to petition if nothing is done leaves the matter with its department.
    expect(departmentOf('我要去法院告区住建局不作为，我们楼的维修资金申请卡了八个月没批')).toBe('housing');
    expect(departmentOf('维修资金申请了半年还批不下来，再拖我就去市里信访')).toBe('housing');
    expect(departmentOf('邻居借了我钱不还，我想去法院起诉，要去哪个法院立案')).toBe('judicial');
  });

  it('takes the kind of request from what is asked, with abuse beside it as its own flag', () => {
    const analysis = engine().analyze('你个蠢货，我就问问公积金怎么提取，要带什么材料', { callerHash: null, atMs: at });
    expect(analysis.flags.map((f) => `${f.kind}.${f.category}`)).toContain('abuse.insult');
    expect(analysis.intent).toBe('consult');
    expect(engine().analyze('你们这帮废物', { callerHash: null, atMs: at }).intent).toBe('complaint');
    // Thanks that close the call are no praise; thanks for what a department did are.
    expect(engine().analyze('好的，谢谢，再见', { callerHash: null, atMs: at }).intent).not.toBe('praise');
    expect(engine().analyze('谢谢你们，上次帮我把路灯修好了', { callerHash: null, atMs: at }).intent).toBe('praise');
  });

  it.each([
    ['empty', ''],
    ['enormous', '我'.repeat(200_000)],
    ['binary', '\u0000\u0001\u0002\ufffd\u0007'],
  ])('answers %s input without flags or errors', (_kind, text) => {
    expect(() => engine().analyze(text, { callerHash: null, atMs: at })).not.toThrow();
    expect(engine().analyze(text, { callerHash: null, atMs: at }).flags.filter((f) => f.kind !== 'no_request')).toEqual([]);
  });
});
