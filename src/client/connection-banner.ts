// The header banner that says whether the live connection is up.
import { t } from './i18n';
import type { ConnectionStatus } from './ws-connection';

const text = (status: ConnectionStatus) => t(`connection.${status}`);

export function connectionBanner(): (status: ConnectionStatus) => void {
  const banner = document.getElementById('connection-status');
  let hideTimer: number | undefined;
  let everLost = false;
  return (status) => {
    if (!banner) return;
    window.clearTimeout(hideTimer);
    banner.dataset.status = status;
    document.body.dataset.connection = status;
    if (status === 'connected') {
      // The first connect is silent; after an outage, confirm briefly that it is back.
      if (!everLost) {
        banner.hidden = true;
        return;
      }
      banner.textContent = text('connected');
      banner.hidden = false;
      hideTimer = window.setTimeout(() => (banner.hidden = true), 2500);
      return;
    }
    if (status === 'connecting') return;
    everLost = true;
    banner.textContent = text(status);
    banner.hidden = false;
  };
}
