package io.keywordsbackfill.source;

import java.util.ArrayList;
import java.util.List;

/**
 * The header of a usage CSV does not say, without guessing, which column holds a field that changes what is
 * sent: a required column is missing, a mapped header is not in the file, two headers match one column, or one
 * header matches two columns. Its message names the file, the problem and the header line as read;
 * {@link #fix(OptionSpelling)} says how to fix it in the words of the caller's options (command line or job
 * definition).
 */
public class UsageCsvHeaderException extends RuntimeException {

	/** What is wrong with the header. */
	public enum Kind {

		/** Required columns ({@link #columns()}) match no header. */
		MISSING,
		/** The column ({@link #columns()}) is mapped to a header that is not in the file. */
		MAPPED_NOT_FOUND,
		/** Two headers match the column ({@link #columns()}). */
		AMBIGUOUS,
		/** One header matches both columns ({@link #columns()}). */
		MATCHED_TWICE

	}

	/** How the caller's options are written, for {@link #fix(OptionSpelling)}. */
	public interface OptionSpelling {

		/** The option mapping a canonical column to a header; an empty header declares the column absent. */
		String column(String canonical, String header);

		/** The option that asks for line-based ids. */
		String lineIds();

	}

	/** {@code --column request_id=HEADER}, {@code --line-ids}. */
	public static final OptionSpelling COMMAND_LINE = new OptionSpelling() {

		@Override
		public String column(String canonical, String header) {
			return "--column " + canonical + "=" + header;
		}

		@Override
		public String lineIds() {
			return "--line-ids";
		}

	};

	/** {@code columns: {request_id: HEADER}}, {@code line-ids: true}, as an input of a job definition. */
	public static final OptionSpelling JOB_DEFINITION = new OptionSpelling() {

		@Override
		public String column(String canonical, String header) {
			return "columns: {" + canonical + ": " + (header.isEmpty() ? "\"\"" : header) + "}";
		}

		@Override
		public String lineIds() {
			return "line-ids: true";
		}

	};

	private final Kind kind;

	private final List<String> columns;

	UsageCsvHeaderException(Kind kind, List<String> columns, String message) {
		super(message);
		this.kind = kind;
		this.columns = List.copyOf(columns);
	}

	public Kind kind() {
		return this.kind;
	}

	/** The canonical columns concerned. */
	public List<String> columns() {
		return this.columns;
	}

	/** How to fix the header problem with the options as {@code spelling} writes them. */
	public String fix(OptionSpelling spelling) {
		String header = "HEADER";
		return switch (this.kind) {
			case MISSING -> {
				List<String> fixes = new ArrayList<>();
				for (String column : this.columns) {
					if (column.equals("request_id")) {
						fixes.add("name the id column with " + spelling.column(column, header)
								+ ", or ask for ids made of file and line number with " + spelling.lineIds()
								+ " (a re-cut export then gets other ids, and its rows are sent again)");
					}
					else if (UsageCsvOptions.WAIVABLE.contains(column)) {
						fixes.add("name the " + column + " column with " + spelling.column(column, header)
								+ ", or declare that the file has none with " + spelling.column(column, "")
								+ " (logs then go without tokens and without cost)");
					}
					else {
						fixes.add("name the " + column + " column with " + spelling.column(column, header));
					}
				}
				yield String.join("; ", fixes);
			}
			case MAPPED_NOT_FOUND -> "map " + this.columns.get(0) + " to a header of the file with "
					+ spelling.column(this.columns.get(0), header);
			case AMBIGUOUS -> "choose one with " + spelling.column(this.columns.get(0), header);
			case MATCHED_TWICE -> "map " + this.columns.get(1) + " to another header with "
					+ spelling.column(this.columns.get(1), header) + " or to none with "
					+ spelling.column(this.columns.get(1), "");
		};
	}

}
