package io.prometheusrelay.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What opening a log does to what a crash left: reads every segment, cuts a torn tail off each,
 * counts the corrupt records it skips, and deletes segments left without a record.
 */
record SegmentRecovery(List<LogSegment> segments, long nextSequence, LogRecovery report) {

	private static final Logger logger = LoggerFactory.getLogger(SegmentRecovery.class);

	static SegmentRecovery run(LogOptions options, List<Path> files) throws IOException {
		List<LogSegment> kept = new ArrayList<>();
		long records = 0;
		int truncated = 0;
		long truncatedBytes = 0;
		long skipped = 0;
		int unreadable = 0;
		long next = 0;
		for (int i = 0; i < files.size(); i++) {
			Path file = files.get(i);
			// Only the newest segment can have been torn by a crash: one before it that does not read to
			// its end was damaged later (a flipped length), and what follows the damage is kept on disk.
			boolean newest = i == files.size() - 1;
			LogSegment segment = new LogSegment(file, LogFormat.firstSequence(file.getFileName().toString()));
			boolean damaged = false;
			try (SegmentReader reader = new SegmentReader(file, options.magic())) {
				LogRecord record;
				while ((record = reader.next()) != null) {
					segment.lastSequence = record.sequence();
					records++;
				}
				skipped += reader.skipped();
				if (reader.tornReason() != null && reader.validLength() < reader.fileSize()) {
					long rest = reader.fileSize() - reader.validLength();
					if (newest) {
						logger.warn("Log {}: segment {}: {}; cutting {} bytes", options.dir(), file.getFileName(),
								reader.tornReason(), rest);
						truncated++;
						truncatedBytes += rest;
						try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
							channel.truncate(reader.validLength());
						}
					}
					else {
						logger.warn("Log {}: segment {}: {}; its last {} bytes cannot be read and are left in place",
								options.dir(), file.getFileName(), reader.tornReason(), rest);
						unreadable++;
						damaged = true;
					}
				}
			}
			if (segment.lastSequence < segment.firstSequence) {
				if (!damaged) {
					Files.delete(file);
				}
				next = Math.max(next, segment.firstSequence);
				continue;
			}
			segment.size = Files.size(file);
			kept.add(segment);
			next = Math.max(next, segment.lastSequence + 1);
		}
		return new SegmentRecovery(kept, next,
				new LogRecovery(kept.size(), records, truncated, truncatedBytes, skipped, unreadable));
	}

}
