package io.keywordsbackfill.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes Together Batch API files of any size for tests and benchmarks. */
public final class TogetherBatchFiles {

	private TogetherBatchFiles() {
	}

	/**
	 * Writes an output file of {@code count} successful calls, with request ids {@code req-<prefix>-<i>}.
	 * @return the file
	 */
	public static Path output(Path file, String prefix, int from, int count) {
		try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			for (int i = from; i < from + count; i++) {
				out.write(outputLine(prefix, i));
				out.write('\n');
			}
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static String outputLine(String prefix, int i) {
		return "{\"id\":\"batch_req_" + prefix + i + "\",\"custom_id\":\"req-" + i + "\",\"response\":{\"status_code\":200,"
				+ "\"request_id\":\"" + prefix + "-" + i + "\",\"body\":{\"id\":\"cmpl-" + prefix + i
				+ "\",\"object\":\"chat.completion\",\"created\":" + (1735689600 + i)
				+ ",\"model\":\"meta-llama/Llama-3.3-70B-Instruct-Turbo\",\"choices\":[{\"index\":0,\"message\":"
				+ "{\"role\":\"assistant\",\"content\":\"answer " + i + "\"},\"finish_reason\":\"stop\"}],"
				+ "\"usage\":{\"prompt_tokens\":" + (10 + i % 7) + ",\"completion_tokens\":" + (3 + i % 5)
				+ ",\"total_tokens\":" + (13 + i % 7 + i % 5) + "}}},\"error\":null}";
	}

}
