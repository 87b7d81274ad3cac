import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import { formatPath, type Path, type PathIssue, type RosterIssue } from "./issues.js";

/** People that came from a CSV file: where each record starts, and the CSV column of a field. */
export interface CsvSource {
  file: string;
  /** 1-based start line of each data record, by index in `people`. */
  lines: number[];
  column: (field: string) => string;
}

export type Locate = (path: Path) => { file: string; line: number | null; field: string };

/**
 * The line a path points at: the key's line for a field, the item's line for a list entry. A path
 * that does not exist (a missing field) points at the nearest thing above it that does.
 */
export function yamlLine(doc: Document, lines: LineCounter, path: Path): number | null {
  const lineOf = (n: Node | null | undefined) => (n?.range ? lines.linePos(n.range[0]).line : null);
  let node: unknown = doc.contents;
  let line = lineOf(doc.contents);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      line = lineOf(pair.key as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
      node = node.items[seg];
      line = lineOf(node as Node) ?? line;
    } else {
      break;
    }
  }
  return line;
}

export function makeLocator(file: string, doc: Document, lines: LineCounter, csv?: CsvSource): Locate {
  return (path) => {
    const [top, index, field] = path;
    if (csv && top === "people" && typeof index === "number") {
      return {
        file: csv.file,
        line: csv.lines[index] ?? null,
        field: typeof field === "string" ? csv.column(field) : "row",
      };
    }
    return { file, line: yamlLine(doc, lines, path), field: formatPath(path) || "(file)" };
  };
}

export function locateAll(issues: PathIssue[], locate: Locate): RosterIssue[] {
  return issues.map(({ path, ...rest }) => ({ ...locate(path), ...rest }));
}
