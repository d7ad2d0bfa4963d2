import type { OperatorState } from '../../../server/console/contract.ts';

/** The operator's states in the order the switch offers them (mirrors OPERATOR_STATES on the server). */
export const OPERATOR_STATE_LIST: readonly OperatorState[] = ['available', 'busy', 'after_call_work'];
