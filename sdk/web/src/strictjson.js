// A strict JSON reader for the manifest. JSON.parse keeps the last of two equal keys, cannot say
// where a number came from ("1" and "1.0" both give 1) and nests without limit; the manifest format
// (p2pmeta) rejects duplicate keys and numbers in the wrong form, so the SDK reads the text itself.

/** A JSON number as written, so callers can check its form (integer, fraction digits). */
export class NumberLiteral {
  /** @param {string} raw the literal exactly as in the text */
  constructor(raw) {
    this.raw = raw;
    this.value = Number(raw);
  }
}

/** Raised for text that is not exactly one JSON value or breaks a rule of this reader. */
export class JSONSyntaxError extends Error {
  constructor(message, path) {
    super(path ? `${path}: ${message}` : message);
    this.name = "JSONSyntaxError";
    this.path = path;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses text holding exactly one JSON value. Objects come back with a null prototype (so a key
 * like "__proto__" is an ordinary key), numbers as NumberLiteral, and a duplicate key, a raw
 * control character in a string, nesting deeper than maxDepth or anything after the value is an
 * error naming where it happened.
 * @param {string} text
 * @param {{maxDepth?: number}} [opts]
 */
export function parseStrict(text, { maxDepth = 64 } = {}) {
  let pos = 0;

  const fail = (msg, path) => {
    throw new JSONSyntaxError(`${msg} at offset ${pos}`, path);
  };
  const skipSpace = () => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };

  const readString = (path) => {
    // pos is at the opening quote.
    pos++;
    let out = "";
    let start = pos;
    for (;;) {
      if (pos >= text.length) fail("unterminated string", path);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail("control character in string", path);
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const e = text[pos + 1];
      pos += 2;
      switch (e) {
        case '"': out += '"'; break;
        case "\\": out += "\\"; break;
        case "/": out += "/"; break;
        case "b": out += "\b"; break;
        case "f": out += "\f"; break;
        case "n": out += "\n"; break;
        case "r": out += "\r"; break;
        case "t": out += "\t"; break;
        case "u": {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape", path);
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          pos -= 2;
          fail("bad escape", path);
      }
      start = pos;
    }
  };

  const readValue = (path, depth) => {
    skipSpace();
    if (pos >= text.length) fail("unexpected end of input", path);
    const c = text[pos];
    if (c === "{") return readObject(path, depth + 1);
    if (c === "[") return readArray(path, depth + 1);
    if (c === '"') return readString(path);
    if (text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) fail("unexpected character", path);
    pos = NUMBER.lastIndex;
    return new NumberLiteral(m[0]);
  };

  const readObject = (path, depth) => {
    if (depth > maxDepth) fail(`nested deeper than ${maxDepth}`, path);
    pos++;
    const obj = Object.create(null);
    skipSpace();
    if (text[pos] === "}") {
      pos++;
      return obj;
    }
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') fail("expected a key", path);
      const key = readString(path);
      const child = path ? `${path}.${key}` : key;
      if (Object.prototype.hasOwnProperty.call(obj, key)) fail("duplicate key", child);
      skipSpace();
      if (text[pos] !== ":") fail("expected ':'", child);
      pos++;
      obj[key] = readValue(child, depth);
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "}") {
        pos++;
        return obj;
      }
      fail("expected ',' or '}'", path);
    }
  };

  const readArray = (path, depth) => {
    if (depth > maxDepth) fail(`nested deeper than ${maxDepth}`, path);
    pos++;
    const arr = [];
    skipSpace();
    if (text[pos] === "]") {
      pos++;
      return arr;
    }
    for (;;) {
      arr.push(readValue(`${path}[${arr.length}]`, depth));
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "]") {
        pos++;
        return arr;
      }
      fail("expected ',' or ']'", path);
    }
  };

  const value = readValue("", 0);
  skipSpace();
  if (pos !== text.length) fail("data after the value", "");
  return value;
}
