package io.keywordsbackfill.mapping;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keywordsbackfill.record.ChatMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written writer must produce what bean serialization of {@link KeywordsLog} does, byte for byte. */
class LogJsonTests {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	@Test
	void everyFieldSetIsWrittenAsBeanSerializationWritesIt() {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put(KeywordsLog.META_SOURCE_ID, "together-request:abc");
		metadata.put(KeywordsLog.META_LINE, 42L);
		metadata.put("nothing", null);
		metadata.put("flag", true);
		metadata.put("nested", Map.of("k", List.of(1, 2)));
		JsonNode parts = NODES.arrayNode().add(NODES.objectNode().put("type", "text").put("text", "a \"quoted\" é\n"));
		KeywordsLog log = new KeywordsLog("m/odel", "chat",
				Arrays.asList(new ChatMessage("system", NODES.stringNode("Be brief.\u2028"), null, null, null),
						new ChatMessage("user", parts, null, null, "ann"), null,
						new ChatMessage("tool", NODES.nullNode(), null, "call_1", null)),
				new ChatMessage("assistant", null, NODES.arrayNode().add(NODES.objectNode().put("id", "call_1")), null, null),
				123L, 45L, new BigDecimal("0.0000044"), new BigDecimal("1.5E+1"), new BigDecimal("0.250"),
				"2025-03-13T10:05:40Z", "2025-03-13T10:05:39Z", "customer-1", "together-request:abc", metadata, 200,
				"boom", "error", 0.7, 256, 0.95, -0.5, 1e-7, Boolean.FALSE, NODES.arrayNode().add("\n\n"),
				NODES.arrayNode().add(NODES.objectNode().put("type", "function")), NODES.stringNode("auto"),
				NODES.objectNode().put("type", "json_object"));

		assertSameAsBeanSerialization(log);
	}

	@Test
	void absentFieldsAreLeftOutAsBeanSerializationLeavesThemOut() {
		KeywordsLog log = new KeywordsLog("m", "chat", List.of(), null, null, null, null, null, null,
				"2025-03-13T10:05:40Z", null, null, "id", null, null, null, null, null, null, null, null, null, null,
				null, null, null, null);

		assertSameAsBeanSerialization(log);
	}

	@Test
	void everyShapeOfContentIsWrittenAsBeanSerializationWritesIt() {
		List<JsonNode> shapes = List.of(NODES.stringNode(""), NODES.stringNode("caf\u00e9 \ud83d\ude00 \"\\/\u0001\t"),
				NODES.nullNode(), NODES.arrayNode(), NODES.objectNode(), NODES.numberNode(7),
				NODES.numberNode(Integer.MIN_VALUE), NODES.numberNode(3_000_000_000L), NODES.numberNode(Long.MAX_VALUE),
				NODES.numberNode(1.5), NODES.numberNode(new BigInteger("123456789012345678901234567890")),
				NODES.numberNode(new BigDecimal("0.0000044")), NODES.booleanNode(true),
				NODES.arrayNode().add(1).addNull().add("x"), NODES.objectNode().putNull("k").put("n", 2));
		for (JsonNode shape : shapes) {
			KeywordsLog log = new KeywordsLog("m", "chat", List.of(new ChatMessage("user", shape, shape, null, null)),
					new ChatMessage("assistant", shape, null, null, null), null, null, null, null, null,
					"2025-03-13T10:05:40Z", null, null, "id", null, null, null, null, null, null, null, null, null, null,
					shape, shape, shape, shape);

			assertSameAsBeanSerialization(log);
		}
	}

	@Test
	void logsWrittenTogetherAreEachTheBytesOfTheLogAlone() {
		List<KeywordsLog> logs = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			// sizes from a few bytes to past the buffer's first capacity and the generator's own buffer
			logs.add(new KeywordsLog("m" + i, "chat",
					List.of(new ChatMessage("user", NODES.stringNode("é\"x".repeat(i * i * 5)), null, null, null)), null,
					(long) i, null, null, null, null, "2025-03-13T10:05:40Z", null, null, "id-" + i, null, null, null,
					null, null, null, null, null, null, null, null, null, null, null));
		}

		List<byte[]> together = LogJson.toJsonBytes(logs);

		assertThat(together).hasSize(logs.size());
		for (int i = 0; i < logs.size(); i++) {
			assertThat(new String(together.get(i), StandardCharsets.UTF_8)).isEqualTo(LogJson.MAPPER.writeValueAsString(logs.get(i)));
		}
		assertThat(LogJson.toJsonBytes(List.of())).isEmpty();
	}

	private static void assertSameAsBeanSerialization(KeywordsLog log) {
		String expected = LogJson.MAPPER.writeValueAsString(log);
		assertThat(LogJson.toJson(log)).isEqualTo(expected);
		assertThat(new String(LogJson.toJsonBytes(log), StandardCharsets.UTF_8)).isEqualTo(expected);
		assertThat(LogJson.toJsonBytes(List.of(log, log))).allSatisfy(
				(bytes) -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expected));
	}

}
