package io.keywordsbackfill.status;

import java.util.ArrayList;
import java.util.List;

/** A plain text table with columns padded to their widest cell. */
final class Table {

	private final List<String[]> rows = new ArrayList<>();

	Table(String... header) {
		rows.add(header);
	}

	void row(String... cells) {
		rows.add(cells);
	}

	String render() {
		int columns = rows.get(0).length;
		int[] widths = new int[columns];
		for (String[] row : rows) {
			for (int i = 0; i < columns; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		StringBuilder text = new StringBuilder();
		for (String[] row : rows) {
			for (int i = 0; i < columns; i++) {
				text.append(i == columns - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
			}
			text.append('\n');
		}
		return text.toString();
	}

}
