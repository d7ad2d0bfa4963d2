/** The supervisor wallboard's text (the supervisor engineer owns this file). */
export const wallboardZh = {
  'wallboard.placeholder': '监控大屏建设中',
} as const;

export const wallboardEn: Record<keyof typeof wallboardZh, string> = {
  'wallboard.placeholder': 'The wallboard is on its way',
};
