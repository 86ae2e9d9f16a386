import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An nginx `proxy_cache` in front of the API, caching every 200 for `ttlSeconds` whatever changes
 * behind it (API Gateway's cache model: TTL only). Everything it writes stays under `dir`.
 */
export function nginxConfig(dir: string, port: number, upstream: string, ttlSeconds: number): string {
  mkdirSync(join(dir, 'cache'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const file = join(dir, 'nginx.conf');
  writeFileSync(
    file,
    `user root;
worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'tmp')};
  proxy_temp_path ${join(dir, 'tmp')};
  fastcgi_temp_path ${join(dir, 'tmp')};
  uwsgi_temp_path ${join(dir, 'tmp')};
  scgi_temp_path ${join(dir, 'tmp')};
  proxy_cache_path ${join(dir, 'cache')} levels=1:2 keys_zone=api:32m max_size=1g inactive=1h use_temp_path=off;
  upstream api { server ${upstream}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache api;
      proxy_cache_key "$http_x_api_key$request_uri";
      proxy_cache_valid 200 ${ttlSeconds}s;
      proxy_cache_lock on;
      proxy_ignore_headers Cache-Control Expires Set-Cookie;
      add_header x-proxy-cache $upstream_cache_status;
    }
  }
}
`,
  );
  return file;
}
