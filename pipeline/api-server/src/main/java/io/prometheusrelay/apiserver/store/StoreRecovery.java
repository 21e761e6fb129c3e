package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

import com.google.protobuf.InvalidProtocolBufferException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays every segment into the latest-sample index and the batch index on start. A torn or corrupt tail (a crash mid-append, a
 * disk that lost the last write) is cut off and counted; it never stops the server.
 */
final class StoreRecovery {

	private static final Logger logger = LoggerFactory.getLogger(StoreRecovery.class);

	private StoreRecovery() {
	}

	/**
	 * Replays {@code segments} into {@code index} and records every batch in {@code batches}; a batch
	 * whose identity was recorded already (stored twice before deduplication) is replayed only once.
	 */
	static RecoveryReport recover(List<Path> segments, LatestIndex index, BatchIndex batches) throws IOException {
		long records = 0;
		int truncatedSegments = 0;
		long truncatedBytes = 0;
		long skippedRecords = 0;
		for (Path segment : segments) {
			String name = segment.getFileName().toString();
			long lastWritten = Files.getLastModifiedTime(segment).toMillis();
			try (SegmentReader reader = SegmentReader.open(segment)) {
				Optional<byte[]> record;
				while ((record = reader.next()).isPresent()) {
					byte[] payload = record.get();
					BatchId id = BatchId.of(payload);
					if (!batches.contains(id)) {
						long newest = replay(segment, payload, index);
						batches.add(name, new BatchIndex.Entry(id, reader.recordOffset(), payload.length, newest,
								lastWritten));
					}
					records++;
				}
				if (reader.skippedRecords() > 0) {
					logger.warn("Segment {}: {} corrupt records skipped; the valid records after them are kept",
							segment.getFileName(), reader.skippedRecords());
					skippedRecords += reader.skippedRecords();
				}
				Optional<String> torn = reader.tornReason();
				if (torn.isPresent()) {
					long cut = reader.fileSize() - reader.validLength();
					logger.warn("Segment {}: {}; truncating {} bytes at offset {}", segment.getFileName(), torn.get(),
							cut, reader.validLength());
					if (reader.validLength() == 0) {
						// Not even a header: nothing to keep, and a zero-length .seg would look torn forever.
						Files.move(segment, segment.resolveSibling(segment.getFileName() + ".corrupt"));
					}
					else {
						truncate(segment, reader.validLength());
					}
					truncatedSegments++;
					truncatedBytes += cut;
				}
			}
		}
		return new RecoveryReport(segments.size(), records, truncatedSegments, truncatedBytes, skippedRecords);
	}

	/** Applies one record to the index; returns its newest sample timestamp. */
	private static long replay(Path segment, byte[] record, LatestIndex index) {
		try {
			return index.apply(record);
		}
		catch (InvalidProtocolBufferException ex) {
			// Checksummed, so written this way: keep it on disk, leave it out of the index.
			logger.warn("Segment {}: a record is not a valid WriteRequest ({}); not indexed", segment.getFileName(),
					ex.getMessage());
			return Long.MIN_VALUE;
		}
	}

	private static void truncate(Path segment, long length) throws IOException {
		try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
			channel.truncate(length);
			channel.force(true);
		}
	}

}
