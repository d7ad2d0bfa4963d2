/** The manager pages' text (the manager engineer owns this file). */
export const manageZh = {
  'manage.placeholder': '业务管理页面建设中',
} as const;

export const manageEn: Record<keyof typeof manageZh, string> = {
  'manage.placeholder': 'The manager pages are on their way',
};
