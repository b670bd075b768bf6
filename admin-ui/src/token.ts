const KEY = 'conveyor.admin.token';

/**
 * The operator's token lives in sessionStorage: gone when the tab closes, never in a cookie (so no
 * request carries it unless the page adds it). `npm start` prints a link with the demo token in
 * the fragment (`/admin#token=…`), which browsers never send to the server; the page takes it
 * from there once and removes it from the address bar.
 */
export function takeTokenFromLocation(): void {
  const match = /^#token=([A-Za-z0-9._-]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  saveToken(match[1]);
  history.replaceState(null, '', `${window.location.pathname}#/sagas`);
}

export const loadToken = (): string | null => sessionStorage.getItem(KEY);
export const saveToken = (token: string): void => sessionStorage.setItem(KEY, token.trim());
export const clearToken = (): void => sessionStorage.removeItem(KEY);
