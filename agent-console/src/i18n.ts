/** Operator-facing text: Simplified Chinese first, English on the toggle. */
const zh = {
  title: '12345 热线坐席台',
  tokenPrompt: '请输入坐席台口令',
  enter: '进入',
  badToken: '口令不正确，请重新输入',
  liveCalls: '实时来电',
  noCalls: '暂无来电',
  pickCall: '请在左侧选择一通来电',
  caller: '来电人',
  operator: '话务员',
  queue: '队列',
  pressed: '选择',
  noInput: '未输入',
  invalid: '输入有误',
  emulatorMode: '演示模式：语音识别由本地模拟器提供',
  'state.ivr': '语音导航中',
  'state.queued': '转人工',
  'state.ended': '已结束',
  'queue.consult': '政策咨询',
  'queue.complaint': '投诉举报',
  'queue.report': '求助报修',
  'queue.suggestion': '意见建议',
  'queue.praise': '表扬',
  'queue.general': '人工服务',
  transferredTo: '转接',
  'conn.online': '已连接',
  'conn.offline': '连接中断，正在重连',
  'conn.connecting': '正在连接',
  suggestions: '知识库推荐',
  noSuggestions: '来电人说出诉求后，这里会显示推荐答案',
  matched: '匹配',
  variant: '适用情形',
  fullAnswer: '查看完整答复',
  generalAnswer: '通用答复',
  use: '采用此答案',
  used: '已采用',
  useFailed: '记录失败，请重试',
  selfService: '自助语音提问',
  'outcome.answered': '已自动答复',
  'outcome.resolved': '自助解决',
  'outcome.operator': '答复后转人工',
  'outcome.no_match': '未找到答案，转人工',
  'outcome.no_input': '未说出问题，转人工',
  'point.conditions': '条件',
  'point.materials': '材料',
  'point.channels': '渠道',
  'point.timeLimit': '时限',
  'point.basis': '依据',
  'point.notes': '说明',
} as const;

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  title: '12345 Hotline Desk',
  tokenPrompt: 'Console passphrase',
  enter: 'Enter',
  badToken: 'Wrong passphrase, please try again',
  liveCalls: 'Live calls',
  noCalls: 'No calls yet',
  pickCall: 'Choose a call on the left',
  caller: 'Caller',
  operator: 'Operator',
  queue: 'Queue',
  pressed: 'Chose',
  noInput: 'No input',
  invalid: 'Invalid input',
  emulatorMode: 'Demo mode: speech recognition by the local emulator',
  'state.ivr': 'In IVR',
  'state.queued': 'To operator',
  'state.ended': 'Ended',
  'queue.consult': 'Policy enquiry',
  'queue.complaint': 'Complaint',
  'queue.report': 'Help / repair',
  'queue.suggestion': 'Suggestion',
  'queue.praise': 'Praise',
  'queue.general': 'Operator',
  transferredTo: 'To',
  'conn.online': 'Connected',
  'conn.offline': 'Disconnected, reconnecting',
  'conn.connecting': 'Connecting',
  suggestions: 'Knowledge base',
  noSuggestions: 'Suggested answers appear here once the caller states the request',
  matched: 'Matched',
  variant: 'Case',
  fullAnswer: 'Full answer',
  generalAnswer: 'General answer',
  use: 'Use this answer',
  used: 'Used',
  useFailed: 'Could not record it, please retry',
  selfService: 'Asked the IVR',
  'outcome.answered': 'Answered by IVR',
  'outcome.resolved': 'Solved by IVR',
  'outcome.operator': 'Answered, wanted an operator',
  'outcome.no_match': 'No answer found',
  'outcome.no_input': 'Said nothing',
  'point.conditions': 'Conditions',
  'point.materials': 'Documents',
  'point.channels': 'Where',
  'point.timeLimit': 'Time limit',
  'point.basis': 'Legal basis',
  'point.notes': 'Notes',
};

let language: 'zh' | 'en' = localStorage.getItem('console-language') === 'en' ? 'en' : 'zh';

export function t(key: Key): string {
  return language === 'en' ? en[key] : zh[key];
}

/** A queue's name for operators; an unknown queue shows as it is. */
export function queueName(queue: string): string {
  const key = `queue.${queue}` as Key;
  return key in zh ? t(key) : queue;
}

export function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(language === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

export function toggleLanguage(): void {
  language = language === 'zh' ? 'en' : 'zh';
  localStorage.setItem('console-language', language);
}

/** Fills every element marked `data-i18n` with its text in the current language. */
export function translatePage(): void {
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) node.textContent = t(node.dataset['i18n'] as Key);
  const toggle = document.getElementById('lang');
  if (toggle) toggle.textContent = language === 'zh' ? 'EN' : '中文';
}
