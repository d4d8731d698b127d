// The few pieces of Express this example uses (`app.get`, `req.cookies`, `req.query`,
// `res.cookie`, `res.status`, `res.json`, `res.send`, `app.listen`), on node:http, so that the
// example runs without installing Express. With Express, delete this file and write
// `const app = express(); app.use(cookieParser());` instead: the route handlers stay as they are.
import { createServer } from "node:http";

/** Parse a Cookie header: `a=1; b=2` -> {a: "1", b: "2"} (values URI-decoded, like cookie-parser). */
export function parseCookies(header = "") {
  const cookies = Object.create(null);
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // Keep a value that is not URI-encoded as it is.
    }
    if (name && !(name in cookies)) cookies[name] = value;
  }
  return cookies;
}

/** Serialize a Set-Cookie value; `maxAge` is in milliseconds, as in Express. */
export function serializeCookie(name, value, options = {}) {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? "/"}`];
  if (options.maxAge !== undefined) {
    parts.push(`Max-Age=${Math.floor(options.maxAge / 1000)}`);
    parts.push(`Expires=${new Date(Date.now() + options.maxAge).toUTCString()}`);
  }
  if (options.httpOnly) parts.push("HttpOnly");
  if (options.secure) parts.push("Secure");
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`);
  return parts.join("; ");
}

function decorate(req, res) {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  req.path = url.pathname;
  req.query = Object.fromEntries(url.searchParams);
  req.cookies = parseCookies(req.headers.cookie);
  req.ip = req.socket.remoteAddress;
  req.originalUrl = req.url;
  req.protocol = "http";
  req.get = (name) => req.headers[name.toLowerCase()];
  const cookies = [];
  res.cookie = (name, value, options) => {
    cookies.push(serializeCookie(name, value, options));
    res.setHeader("Set-Cookie", cookies);
    return res;
  };
  res.status = (code) => {
    res.statusCode = code;
    return res;
  };
  res.json = (body) => {
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.end(JSON.stringify(body));
  };
  res.send = (body) => {
    if (!res.hasHeader("Content-Type")) res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(body);
  };
}

/** An Express-like app: `app.get(path, async (req, res) => …)`, `app.listen(port, cb)`. */
export function miniExpress() {
  const routes = new Map();
  const app = (req, res) => {
    decorate(req, res);
    const handler = req.method === "GET" ? routes.get(req.path) : undefined;
    if (!handler) {
      res.status(404).send("Not found");
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error) => {
        console.error(error);
        if (!res.headersSent) res.status(500).json({ error: String(error?.message ?? error) });
      });
  };
  app.get = (path, handler) => {
    routes.set(path, handler);
    return app;
  };
  app.listen = (port, host, callback) => createServer(app).listen(port, host, callback);
  return app;
}
