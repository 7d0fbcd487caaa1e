package io.keywordsbackfill.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.keywordsbackfill.record.SourceItem;

/** Reading helpers shared by the reader tests. */
final class SourceTestSupport {

	static final Path FIXTURES = Path.of("src/test/resources/io/keywordsbackfill/source");

	private SourceTestSupport() {
	}

	/** Opens with the context, reads to the end, closes. */
	static List<SourceItem> readAll(ItemStreamReader<SourceItem> reader, ExecutionContext context) throws Exception {
		List<SourceItem> items = new ArrayList<>();
		reader.open(context);
		try {
			SourceItem item;
			while ((item = reader.read()) != null) {
				items.add(item);
			}
		}
		finally {
			reader.close();
		}
		return items;
	}

	/** Opens, reads {@code count} items, saves the position into the context, closes. */
	static List<SourceItem> readSome(ItemStreamReader<SourceItem> reader, ExecutionContext context, int count)
			throws Exception {
		List<SourceItem> items = new ArrayList<>();
		reader.open(context);
		for (int i = 0; i < count; i++) {
			items.add(reader.read());
		}
		reader.update(context);
		reader.close();
		return items;
	}

	static Path gzip(Path source, Path target) throws IOException {
		try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
			out.write(Files.readAllBytes(source));
		}
		return target;
	}

	/** Replaces every byte before {@code offset} except line feeds, so a re-read would yield garbage. */
	static void scribbleBefore(Path file, long offset) throws IOException {
		byte[] bytes = Files.readAllBytes(file);
		for (int i = 0; i < offset; i++) {
			if (bytes[i] != '\n') {
				bytes[i] = 'x';
			}
		}
		Files.write(file, bytes);
	}

}
