package io.keywordsbackfill.record;

/** A record that can never be sent as it is. The message names the position and the problem. */
public class InvalidRecordException extends Exception {

	private final RejectReason reason;

	private final SourcePosition position;

	public InvalidRecordException(RejectReason reason, SourcePosition position, String message) {
		super(position + ": " + message);
		this.reason = reason;
		this.position = position;
	}

	public RejectReason reason() {
		return reason;
	}

	public SourcePosition position() {
		return position;
	}

	/** The message without the position prefix, for tables that hold file and line apart. */
	public String detail() {
		String full = getMessage();
		String prefix = position + ": ";
		return full.startsWith(prefix) ? full.substring(prefix.length()) : full;
	}

}
