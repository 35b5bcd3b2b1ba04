import libmime from 'libmime';
import { MAX_DISPLAY_FILENAME_LENGTH } from './constants';

// Control characters (NUL included), bidirectional overrides and isolates (which can make `exe.pdf` show
// as `fdp.exe`), zero-width characters and the BOM.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// Reserved on Windows, or a path separator somewhere.
const RESERVED = /[<>:"|?*]/g;
const DEVICE_NAME = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

const truncate = (name: string): string => {
  const chars = Array.from(name);
  if (chars.length <= MAX_DISPLAY_FILENAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
  const keep = ext.length > 0 && ext.length <= 16 ? ext : [];
  return chars.slice(0, MAX_DISPLAY_FILENAME_LENGTH - keep.length).join('') + keep.join('');
};

/**
 * A file name from a mail, made safe to show and to offer as a download name: the last path component
 * only, no control or direction-changing characters, no characters Windows reserves, no leading dots.
 * It is never a storage key (keys are generated) and the original is kept next to it.
 */
export const displayFilename = (original: string | undefined, index: number, contentType: string): string => {
  const base = (original ?? '').normalize('NFC').replace(INVISIBLE, '').split(/[\\/]/).pop() ?? '';
  let name = base
    .replace(RESERVED, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (DEVICE_NAME.test(name)) name = `_${name}`;
  if (name !== '') return truncate(name);
  const ext = libmime.detectExtension(contentType);
  return `attachment-${index + 1}${ext && ext !== 'bin' ? `.${ext}` : ''}`;
};
