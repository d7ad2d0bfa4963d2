import { useI18n } from '../i18n/I18nProvider.tsx';
import { SHORTCUT_HELP } from './shortcuts.ts';

/** The `?` overlay: every keyboard shortcut of the desk. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  return (
    <div id="shortcut-help" className="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcut-help-title" onClick={onClose}>
      <div className="overlay-box" onClick={(e) => e.stopPropagation()}>
        <h2 id="shortcut-help-title">{t('shortcut.title')}</h2>
        <table>
          <tbody>
            {SHORTCUT_HELP.map(({ keys, label }) => (
              <tr key={label}>
                <td>{keys.map((k) => <kbd key={k}>{k}</kbd>)}</td>
                <td>{t(label)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose}>{t('close')}</button>
      </div>
    </div>
  );
}
