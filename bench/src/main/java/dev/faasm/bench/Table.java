package dev.faasm.bench;

import java.util.List;

/** A Markdown table on stdout. */
final class Table {
  private Table() {}

  static void print(String[] header, List<String[]> rows) {
    int[] width = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      width[i] = header[i].length();
    }
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    line(header, width);
    StringBuilder rule = new StringBuilder("|");
    for (int w : width) {
      rule.append("-".repeat(w + 2)).append('|');
    }
    System.out.println(rule);
    for (String[] row : rows) {
      line(row, width);
    }
  }

  private static void line(String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < width.length; i++) {
      String c = i < cells.length ? cells[i] : "";
      sb.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
    }
    System.out.println(sb);
  }
}
