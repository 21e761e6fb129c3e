package io.prometheusrelay.forwarder.fanout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.forwarder.handoff.LoggedBatch;
import io.prometheusrelay.log.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas' cursors on disk, {@code <dir>/replicas}: one line per replica, replaced atomically
 * ({@link AtomicFile}). Saved every second, so a restarted forwarder resends at most
 * about a second of batches, which the api-servers recognise and store once.
 *
 * <pre>
 * # name sequence appendedAtMillis bytesThrough missingBatches lastSeenMillis
 * 127.0.0.1:8070 52817 1764583200123 98211337 0 1764583201456
 * </pre>
 */
final class ReplicaCursors {

	private static final Logger logger = LoggerFactory.getLogger(ReplicaCursors.class);

	static final String FILE = "replicas";

	/** A replica as saved. */
	record Saved(String name, LoggedBatch acknowledged, long missing, long lastSeenMillis) {
	}

	private final Path file;

	ReplicaCursors(Path dir) {
		this.file = dir.resolve(FILE);
	}

	Map<String, Saved> load() throws IOException {
		Map<String, Saved> saved = new LinkedHashMap<>();
		if (!Files.exists(this.file)) {
			return saved;
		}
		for (String line : Files.readAllLines(this.file, StandardCharsets.UTF_8)) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			String[] fields = line.trim().split(" ");
			try {
				LoggedBatch acknowledged = new LoggedBatch(Long.parseLong(fields[1]), Long.parseLong(fields[2]),
						Long.parseLong(fields[3]), LoggedBatch.ORIGIN.payload());
				saved.put(fields[0], new Saved(fields[0], acknowledged, Long.parseLong(fields[4]), Long.parseLong(fields[5])));
			}
			catch (RuntimeException ex) {
				// Written atomically, so this is someone's edit: say so, and start that replica afresh.
				logger.warn("Hand-off cursors {}: ignoring unreadable line '{}'", this.file, line);
			}
		}
		return saved;
	}

	void save(Collection<Replica> replicas) throws IOException {
		List<String> lines = new ArrayList<>();
		lines.add("# name sequence appendedAtMillis bytesThrough missingBatches lastSeenMillis");
		for (Replica replica : replicas) {
			LoggedBatch at = replica.acknowledgedPosition();
			lines.add(replica.name + " " + at.sequence() + " " + at.appendedAtMillis() + " " + at.bytesThrough() + " "
					+ replica.missing() + " " + replica.lastSeenMillis());
		}
		AtomicFile.write(this.file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
	}

}
