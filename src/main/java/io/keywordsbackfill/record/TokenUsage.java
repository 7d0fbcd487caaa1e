package io.keywordsbackfill.record;

/** Token counts of one call; both non-negative. */
public record TokenUsage(long promptTokens, long completionTokens) {

	public TokenUsage {
		if (promptTokens < 0 || completionTokens < 0) {
			throw new IllegalArgumentException("token counts must be >= 0");
		}
	}

	public long totalTokens() {
		return promptTokens + completionTokens;
	}

}
