import type { Address } from './types';

/** "Name <a@b.c>" or "a@b.c". Text only: the console never renders an address as HTML. */
export const formatAddress = (address: Address): string =>
  typeof address === 'string' ? address : address.name ? `${address.name} <${address.email}>` : address.email;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A time as the reader's locale shows it; the ISO form goes in the element's title. */
export const formatTime = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
};

/** `<input type="datetime-local">` value ↔ ISO 8601 with a zone, as the API wants. */
export const localInputToIso = (value: string): string | undefined =>
  value ? new Date(value).toISOString() : undefined;

export const isoToLocalInput = (iso: string | null | undefined): string => {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

export const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const formatPercent = (ratio: number): string => `${(ratio * 100).toFixed(ratio < 0.01 ? 2 : 1)} %`;
