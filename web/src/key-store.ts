/*
 * The visitor's API key lives in sessionStorage only: it is gone when the tab
 * closes, never written to a URL (no leak through history, logs or Referer).
 */
const STORAGE_KEY = 'usage-gateway.apiKey';

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function setKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function dropKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage disabled: nothing was kept */
  }
}
