import type { ConsoleIdentity, OperatorState, ServerInfo } from '../../../server/console/contract.ts';
import { OPERATOR_STATE_LIST } from './operator-states.ts';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { hashOf, type RouteId } from './route-table.ts';
import type { ConnectionState } from './use-connection.ts';

export interface HeaderProps {
  readonly identity: ConsoleIdentity | null;
  readonly connection: ConnectionState | null;
  readonly info: ServerInfo | null;
  readonly routes: readonly RouteId[];
  readonly current: RouteId | null;
  readonly operatorState: OperatorState | null;
  readonly onOperatorState: (state: OperatorState) => void;
  readonly onSignOut: (() => void) | null;
}

/** The bar on top: title, navigation (only the routes the role may open), who is signed in, their state, language. */
export function Header(props: HeaderProps) {
  const { t, toggle } = useI18n();
  const { identity, connection, operatorState } = props;
  return (
    <header>
      <h1>{t('title')}</h1>
      {props.routes.length > 1 && (
        <nav>
          {props.routes.map((id) => (
            <a key={id} href={hashOf(id)} aria-current={id === props.current ? 'page' : undefined}>{t(`route.${id}`)}</a>
          ))}
        </nav>
      )}
      {props.info?.speech === 'emulator' && <span id="speech-mode" className="badge">{t('emulatorMode')}</span>}
      {connection && <span id="connection" className="status" data-state={connection}>{t(`conn.${connection}`)}</span>}
      {identity && (
        <span id="me"><span id="me-name">{identity.displayName}</span> <span id="me-role" className="badge">{t(`role.${identity.role}`)}</span></span>
      )}
      {identity?.role === 'operator' && !identity.service && operatorState && (
        <label id="op-state-box" data-state={operatorState}>
          <span>{t('myState')}</span>
          <select id="op-state" value={operatorState} onChange={(e) => props.onOperatorState(e.target.value as OperatorState)}>
            {OPERATOR_STATE_LIST.map((state) => <option key={state} value={state}>{t(`opstate.${state}`)}</option>)}
          </select>
        </label>
      )}
      {props.onSignOut && <button id="logout" type="button" onClick={props.onSignOut}>{t('logout')}</button>}
      <button id="lang" type="button" onClick={toggle}>{t('language')}</button>
    </header>
  );
}
