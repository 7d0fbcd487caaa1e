package io.keywordsbackfill.source;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming reader must give exactly what data binding gives, or step aside (null). */
class TogetherBatchOutputReaderTests {

	private static final JsonMapper MAPPER = TogetherBatchItemReader.newMapper();

	private final TogetherBatchOutputReader reader = new TogetherBatchOutputReader(MAPPER);

	@Test
	void everySampleLineReadsAsDataBindingReadsIt() throws Exception {
		List<String> lines = new ArrayList<>();
		lines.addAll(Files.readAllLines(Path.of("sample-data/together-batch/batch-output.jsonl")));
		lines.addAll(Files.readAllLines(Path.of("sample-data/together-batch/batch-errors.jsonl")));
		int streamed = 0;
		for (String line : lines) {
			TogetherBatchOutputLine fast = reader.read(line.getBytes(StandardCharsets.UTF_8));
			if (fast != null) {
				streamed++;
				assertThat(fast).as(line).isEqualTo(MAPPER.readValue(line, TogetherBatchOutputLine.class));
			}
		}
		assertThat(streamed).as("the plain output lines are streamed, the error line is not").isEqualTo(11);
	}

	@Test
	void nullsUnknownFieldsAndOddShapesReadAsDataBindingReadsThem() {
		String[] lines = {
				"{\"custom_id\":\"a\",\"response\":null,\"error\":null}",
				"{\"custom_id\":\"a\",\"extra\":{\"x\":[1,{\"y\":null}]},\"response\":{\"body\":null}}",
				"{\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":{\"choices\":null,\"usage\":null,"
						+ "\"created\":null,\"model\":null}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":[null,{\"message\":null},"
						+ "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":null,"
						+ "\"name\":\"n\",\"tool_call_id\":\"c\",\"refusal\":null}}]}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":[{\"message\":{\"content\":"
						+ "[{\"type\":\"text\",\"text\":\"é\\u2028\"}],\"tool_calls\":[{\"id\":\"x\"}]}}],"
						+ "\"usage\":{\"prompt_tokens\":12.5,\"completion_tokens\":\"7\",\"total_tokens\":null}}}}",
				"{\"custom_id\":\"a\",\"custom_id\":\"b\",\"response\":{\"request_id\":\"r\",\"request_id\":\"s\"}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"created\":9007199254740993}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"usage\":{\"prompt_tokens\":3000000000,"
						+ "\"completion_tokens\":123456789012345678901234567890,\"total_tokens\":-1}}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"usage\":{\"prompt_tokens\":true,"
						+ "\"completion_tokens\":1e3,\"total_tokens\":{}}}}}",
				"{}",
		};
		for (String line : lines) {
			TogetherBatchOutputLine fast = reader.read(line.getBytes(StandardCharsets.UTF_8));
			assertThat(fast).as(line).isNotNull().isEqualTo(MAPPER.readValue(line, TogetherBatchOutputLine.class));
		}
	}

	@Test
	void stepsAsideForWhatDataBindingMustDecide() {
		String[] lines = {
				"{\"custom_id\":\"a\",\"error\":{\"message\":\"bad\"}}",
				"{\"custom_id\":1}",
				"{\"custom_id\":\"a\",\"response\":{\"status_code\":\"200\"}}",
				"{\"custom_id\":\"a\",\"response\":{\"status_code\":200.0}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"created\":\"1735689755\"}}}",
				"{\"custom_id\":\"a\",\"response\":{\"body\":{\"choices\":{}}}}",
				"{\"custom_id\":\"a\",\"response\":[]}",
				"{\"custom_id\":\"a\"} {}",
				"{\"custom_id\":\"a\"",
				"[1]",
				"not json",
		};
		for (String line : lines) {
			assertThat(reader.read(line.getBytes(StandardCharsets.UTF_8))).as(line).isNull();
		}
	}

}
