import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import io.keywordsbackfill.mapping.KeywordsLogMapper;
import io.keywordsbackfill.mapping.LogJson;
import io.keywordsbackfill.mapping.MappedLog;
import io.keywordsbackfill.mapping.MappingOptions;
import io.keywordsbackfill.mapping.ProcessedItem;
import io.keywordsbackfill.mapping.RejectedRecord;
import io.keywordsbackfill.mapping.SourceItemProcessor;
import io.keywordsbackfill.pricing.PriceCatalog;
import io.keywordsbackfill.record.SourceItem;
import io.keywordsbackfill.source.ChatLogItemReader;
import io.keywordsbackfill.source.ChatLogOptions;
import io.keywordsbackfill.source.SourceFile;
import io.keywordsbackfill.source.TogetherBatchItemReader;
import io.keywordsbackfill.source.UsageCsvItemReader;
import io.keywordsbackfill.source.UsageCsvOptions;

/**
 * Reading and mapping alone, no HTTP, no database: the format's reader, {@link SourceItemProcessor} (dedupe by
 * source id, {@link KeywordsLogMapper} with the shipped price catalog) and {@link LogJson#toJsonBytes} for every
 * mapped log — what the import does before delivery.
 *
 * <pre>java -cp "target/classes:$(cat target/bench-classpath.txt)" bench/ReadMapBench.java FORMAT FILE</pre>
 *
 * FORMAT is together-batch (FILE = the Batch output file; no input or error file), chat-log or usage-csv.
 * The timer covers open + read/process/serialise loop + close; the JVM start, the price catalog load and the
 * file's SHA-256 fingerprint ({@link SourceFile#of}) are outside it. Prints one line:
 * {@code RESULT format=… file_mb=… records=… mapped=… rejects=… json_mb=… seconds=… records_per_s=… mb_per_s=…
 * peak_heap_mb=… sampled_heap_mb=… live_heap_end_mb=…}, where records = items read (mapped + rejects), MB = MiB (2^20 bytes) of the
 * input file (json_mb: of the serialised logs), peak_heap_mb = sum of the heap pools' peak usage (an upper bound: the pools peak at different
 * times), sampled_heap_mb = the highest used heap seen by a 20 ms sampler,
 * live_heap_end_mb = the heap used after a full GC at the end (outside the timer), i.e. what the run retains —
 * chiefly {@link SourceItemProcessor}'s set of seen source ids, which grows with the number of records. Reject reasons, if any, go to stderr.
 */
public class ReadMapBench {

	static final double MIB = 1048576.0;

	public static void main(String[] args) throws Exception {
		if (args.length != 2) {
			System.err.println("usage: ReadMapBench together-batch|chat-log|usage-csv FILE");
			System.exit(2);
		}
		String format = args[0];
		Path path = Path.of(args[1]);
		long fileBytes = Files.size(path);

		KeywordsLogMapper mapper = new KeywordsLogMapper(PriceCatalog.load(), new MappingOptions(null, null, null));
		SourceItemProcessor processor = new SourceItemProcessor(mapper);
		SourceFile file = SourceFile.of(path); // SHA-256 of the whole file: not timed
		ItemStreamReader<SourceItem> reader = switch (format) {
			case "together-batch" -> new TogetherBatchItemReader(file, null, null);
			case "chat-log" -> new ChatLogItemReader(file, ChatLogOptions.DEFAULTS);
			case "usage-csv" -> new UsageCsvItemReader(file, UsageCsvOptions.DEFAULTS);
			default -> throw new IllegalArgumentException("unknown format " + format);
		};

		AtomicLong sampledHeap = new AtomicLong();
		Runtime rt = Runtime.getRuntime();
		Thread sampler = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				sampledHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "heap-sampler");
		sampler.setDaemon(true);
		sampler.start();

		long records = 0, mapped = 0, rejects = 0, jsonBytes = 0;
		Map<String, Long> reasons = new TreeMap<>();
		long started = System.nanoTime();
		reader.open(new ExecutionContext());
		try {
			SourceItem item;
			while ((item = reader.read()) != null) {
				records++;
				ProcessedItem processed = processor.process(item);
				if (processed instanceof MappedLog log) {
					mapped++;
					jsonBytes += LogJson.toJsonBytes(log.log()).length;
				}
				else if (processed instanceof RejectedRecord rejected) {
					rejects++;
					reasons.merge(String.valueOf(rejected.reason()), 1L, Long::sum);
					if (rejects <= 5) {
						System.err.println("reject " + rejected.position() + " " + rejected.reason() + ": "
								+ rejected.message());
					}
				}
			}
		}
		finally {
			reader.close();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		sampler.interrupt();

		long peakHeap = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
				peakHeap += pool.getPeakUsage().getUsed();
			}
		}
		sampledHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
		// what stays reachable at the end (the processor's seen-id set above all), after a full GC
		System.gc();
		long liveEnd = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		Reference.reachabilityFence(processor);
		if (!reasons.isEmpty()) {
			System.err.println("reject reasons: " + reasons);
		}
		System.out.println(String.format(Locale.ROOT,
				"RESULT format=%s file_mb=%.1f records=%d mapped=%d rejects=%d json_mb=%.1f seconds=%.2f "
						+ "records_per_s=%.0f mb_per_s=%.1f peak_heap_mb=%.0f sampled_heap_mb=%.0f live_heap_end_mb=%.0f",
				format, fileBytes / MIB, records, mapped, rejects, jsonBytes / MIB, seconds, records / seconds,
				fileBytes / MIB / seconds, peakHeap / 1048576.0, sampledHeap.get() / 1048576.0, liveEnd / 1048576.0));
	}

}
