/**
 * Splits a text stream into lines without readline's per-line event overhead. CRLF and LF are both
 * accepted; an unterminated last line is returned by end(). A line spanning many chunks is kept as
 * fragments and joined once, so long lines cost linear time.
 */
export class LineSplitter {
  private parts: string[] = [];

  /** Feed a chunk; returns the complete lines it finishes. */
  push(chunk: string): string[] {
    const nl = chunk.indexOf('\n');
    if (nl < 0) {
      if (chunk.length > 0) this.parts.push(chunk);
      return [];
    }
    let text = chunk;
    if (this.parts.length > 0) {
      this.parts.push(chunk);
      text = this.parts.join('');
      this.parts = [];
    }
    const lines = text.split('\n');
    const rest = lines.pop() as string;
    if (rest.length > 0) this.parts.push(rest);
    for (let i = 0; i < lines.length; i++) lines[i] = stripCr(lines[i] as string);
    return lines;
  }

  /** The unterminated tail, if any (and resets). */
  end(): string | undefined {
    if (this.parts.length === 0) return undefined;
    const r = this.parts.join('');
    this.parts = [];
    return stripCr(r);
  }
}

/** A line without the CR of its CRLF ending. */
export function stripCr(l: string): string {
  return l.length > 0 && l.charCodeAt(l.length - 1) === 13 ? l.slice(0, -1) : l;
}
