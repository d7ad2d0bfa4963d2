import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin.ts';

describe('which origins may open a console socket', () => {
  const allowed = ['https://hotline.example.gov.cn', 'http://localhost:5173'];

  it('lets in a handshake with no Origin (a tool), the listed origins, and a page from the host the request came to', () => {
    expect(originAllowed({ host: '10.0.0.5:3000' }, allowed)).toBe(true);
    expect(originAllowed({ origin: 'https://hotline.example.gov.cn', host: '10.0.0.5:3000' }, allowed)).toBe(true);
    expect(originAllowed({ origin: 'http://localhost:5173', host: '127.0.0.1:3000' }, allowed)).toBe(true);
    // Behind no proxy, or through Vite's dev proxy (which forwards the page's Host): the page's own host.
    expect(originAllowed({ origin: 'http://10.0.0.5:3000', host: '10.0.0.5:3000' }, allowed)).toBe(true);
    expect(originAllowed({ origin: 'http://Desk.Local:3000', host: 'desk.local:3000' }, [])).toBe(true);
  });

  it('refuses another site, another port of the same host, a look-alike, and the opaque origin `null`', () => {
    expect(originAllowed({ origin: 'https://evil.example', host: '10.0.0.5:3000' }, allowed)).toBe(false);
    expect(originAllowed({ origin: 'http://10.0.0.5:8080', host: '10.0.0.5:3000' }, allowed)).toBe(false);
    expect(originAllowed({ origin: 'https://hotline.example.gov.cn.evil.example', host: '10.0.0.5:3000' }, allowed)).toBe(false);
    expect(originAllowed({ origin: 'http://localhost:5174', host: '127.0.0.1:3000' }, allowed)).toBe(false);
    expect(originAllowed({ origin: 'null', host: '10.0.0.5:3000' }, allowed)).toBe(false);
    expect(originAllowed({ origin: 'https://evil.example' }, allowed)).toBe(false); // no Host at all
  });
});
