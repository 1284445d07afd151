import { request } from 'node:http';

export interface HttpAnswer {
  status: number;
  setCookie: string[];
  body: string;
}

/**
 * One JSON POST on its own connection (no keep-alive agent), so that no idle HTTP connection of
 * the setup lingers in the server's socket count while a scenario waits for its sockets to close.
 */
export function postJson(url: string, body: object, cookie?: string): Promise<HttpAnswer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          ...(cookie ? { Cookie: cookie } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [], body: text }),
        );
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

/** The `name=value` pair of the cookie `name` from Set-Cookie headers. */
export function cookiePair(answer: HttpAnswer, name: string): string {
  const header = answer.setCookie.find((c) => c.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in the answer (HTTP ${answer.status})`);
  return header.split(';')[0];
}
