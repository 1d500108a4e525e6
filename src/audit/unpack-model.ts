// Reading back what packed-model.ts packs (the form is described there).
import { FALSE, FLOAT, INTEGER, NULL, ORDER_MARK, STRING, TAGGED, T_ARRAY, T_OBJECT, TRUE } from './packed-model.js';

type Build = (reader: Reader) => object;

/** Object builders by their shapes' JSON, kept across documents (they share their shapes). */
const builders = new Map<string, Build>();
/** Far more than a model's shapes; front matter's own keys could otherwise add some per document. */
const MOST_BUILDERS = 2048;

/** How a builder reads a value of each kind of a shape's key (a nested shape is read as an object literal). */
const READS = new Map<unknown, string>([
  [INTEGER, 'r.ints[r.i++]'],
  [STRING, 'r.strings[r.ints[r.i++]]'],
  [NULL, 'null'],
  [TRUE, 'true'],
  [FALSE, 'false'],
  [TAGGED, 'r.tagged()'],
  [FLOAT, 'r.floats[r.f++]'],
]);

/** A function that makes an object of `shape`, reading its values at the cursor. */
function builder(shape: unknown): Build {
  const signature = JSON.stringify(shape);
  const known = builders.get(signature);
  if (known) return known;
  // An object literal of the shape; its values are read in the order they were written, as an
  // object literal's are evaluated. Keys are written as JSON strings (any text is a key and
  // nothing else), `__proto__` as a computed key, which makes an own property, not a prototype.
  const literal = (keys: unknown): string => {
    if (!Array.isArray(keys) || keys.length % 2 !== 0) throw new Error('not a shape');
    const fields: string[] = [];
    for (let i = 0; i < keys.length; i += 2) {
      const [key, kind] = [keys[i], keys[i + 1]];
      if (typeof key !== 'string') throw new Error('not a shape');
      const name = key === '__proto__' ? `[${JSON.stringify(key)}]` : JSON.stringify(key);
      fields.push(`${name}: ${Array.isArray(kind) ? literal(kind) : (READS.get(kind) ?? fail())}`);
    }
    return `{ ${fields.join(', ')} }`;
  };
  const build = new Function('r', `return ${literal(shape)};`) as Build;
  if (builders.size < MOST_BUILDERS) builders.set(signature, build);
  return build;
}

/** The builders of each shapes line met so far, by the line's text. */
const buildsByLine = new Map<string, Build[]>();
/** At most this many shapes lines are kept: a value whose line is not kept is only read more slowly. */
const MOST_SHAPE_LINES = 256;

/**
 * The builders of a value's shapes, from the line that lists them. The documents of one template
 * have the same shapes, listed the same way, so most values find theirs with one lookup instead
 * of one per shape.
 */
function buildsOf(line: string): Build[] {
  let builds = buildsByLine.get(line);
  if (builds) return builds;
  const shapes: unknown = JSON.parse(line);
  if (!Array.isArray(shapes)) fail();
  builds = (shapes as unknown[]).map(builder);
  if (buildsByLine.size < MOST_SHAPE_LINES) buildsByLine.set(line, builds);
  return builds;
}

const fail = (): never => {
  throw new Error('not a packed value');
};

/** The value `packValue` packed into `bytes` from `from` on; throws if they are not such a value. */
export function unpackValue(bytes: Buffer, from = 0): unknown {
  const shapesEnd = bytes.indexOf(10, from);
  const stringsEnd = shapesEnd < 0 ? -1 : bytes.indexOf(10, shapesEnd + 1);
  const countsEnd = stringsEnd < 0 ? -1 : bytes.indexOf(10, stringsEnd + 1);
  if (countsEnd < 0) fail();
  const builds = buildsOf(bytes.toString('latin1', from, shapesEnd));
  const strings: unknown = JSON.parse(bytes.toString('latin1', shapesEnd + 1, stringsEnd));
  const [floatCount, intCount] = bytes.toString('latin1', stringsEnd + 1, countsEnd).split(' ').map(Number);
  if (!Array.isArray(strings) || !Number.isInteger(floatCount) || !Number.isInteger(intCount)) fail();
  // The numbers start at the next multiple of eight bytes from the start of `bytes` (the file's).
  const start = countsEnd + 1 + ((8 - ((countsEnd + 1) % 8)) % 8);
  if (floatCount! < 1 || intCount! < 1 || bytes.length !== start + 8 * floatCount! + 4 * intCount!) fail();
  // Views where the numbers are aligned, else a copy.
  const at = bytes.byteOffset + start;
  const buffer = at % 8 === 0 ? bytes.buffer : bytes.buffer.slice(at, at + bytes.length - start);
  const offset = at % 8 === 0 ? at : 0;
  const floats = new Float64Array(buffer, offset, floatCount);
  const ints = new Int32Array(buffer, offset + 8 * floatCount!, intCount);
  if (floats[0] !== ORDER_MARK) fail();
  const reader = new Reader(ints, floats, strings as string[], builds);
  const value = reader.tagged();
  // Every number read, none past the end: a file cut short or run on is refused.
  if (reader.i !== intCount || reader.f !== floatCount) fail();
  return value;
}

/**
 * One reading: the numbers and strings, and where it is in the integers (`i`) and the floats
 * (`f`). A class, as `Packer` in packed-model.ts is, for the same reason; the objects' builders
 * read through it.
 */
class Reader {
  i = 0;
  f = 1;
  constructor(
    readonly ints: Int32Array,
    readonly floats: Float64Array,
    readonly strings: string[],
    readonly builds: Build[],
  ) {}

  tagged(): unknown {
    const ints = this.ints;
    switch (ints[this.i++]) {
      case INTEGER:
        return ints[this.i++];
      case FLOAT:
        return this.floats[this.f++];
      case STRING:
        return this.strings[ints[this.i++]!] ?? fail();
      case NULL:
        return null;
      case TRUE:
        return true;
      case FALSE:
        return false;
      case T_ARRAY: {
        const length = ints[this.i++]!;
        if (!(length >= 0 && length <= ints.length - this.i)) fail();
        const out = new Array<unknown>(length);
        for (let k = 0; k < length; k++) out[k] = this.tagged();
        return out;
      }
      case T_OBJECT:
        return (this.builds[ints[this.i++]!] ?? fail())(this);
      default:
        return fail();
    }
  }
}
