// A service's reason is read on a dashboard tile and in an alert: one line of plain text. What Rally hands on is
// not always that: an OpenStack API behind keystonemiddleware answers an outage with webob's HTML error page
// ("503 Service Unavailable</h1> ... later time.<br /><br />"), Rally's log colours lines with ANSI codes, and a
// validation failure spans several lines.
import { ANSI } from './rally/verdict.js';

export const MAX_REASON_LENGTH = 500;

// Only HTML's own tag names: Python object reprs in Rally's errors (`<urllib3.connection.HTTPConnection object at
// 0x7f...>`) look like tags and are evidence to keep.
const HTML_TAG =
  /<\/?(?:a|b|body|br|center|code|div|em|h[1-6]|head|hr|html|i|li|ol|p|pre|span|strong|table|td|th|title|tr|tt|ul)\b[^<>]*>/gi;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi,
    (whole, dec?: string, hex?: string, name?: string) => {
      if (name) return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
      const code = dec ? Number(dec) : Number.parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
  );
}

/** The reason as one line of plain text: markup and colour codes stripped, entities decoded, whitespace folded. */
export function plainReason(text: string, max = MAX_REASON_LENGTH): string {
  const plain = decodeEntities(text.replace(ANSI, '').replace(HTML_TAG, ' ')).replace(/\s+/g, ' ').trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}
