/** How a shared store is named in messages: its URL with the password masked and no other options. */
export function storeLocation(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    const sslmode = parsed.searchParams.get('sslmode');
    parsed.search = sslmode ? `?sslmode=${sslmode}` : '';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** The PostgreSQL server a URL names, as host:port (defaults filled in); undefined when it does not parse. */
export function serverAddress(url: string): string | undefined {
  try {
    const parsed = new URL(url.replace(/\$\{[^}]*\}/g, 'x'));
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return undefined;
  }
}
