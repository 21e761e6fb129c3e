package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import io.prometheusrelay.tsdb.model.CorruptionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A block's {@code meta.json}, as Prometheus's {@code tsdb.BlockMeta}, version 1: its ULID, the time
 * range [minTime, maxTime) its samples lie in (maxTime exclusive), counts, and the compactions it came
 * from. Fields Prometheus or Thanos add that this engine does not use are ignored when read.
 */
public record BlockMeta(String ulid, long minTime, long maxTime, Stats stats, Compaction compaction, int version) {

	public static final String FILE_NAME = "meta.json";

	static final int VERSION = 1;

	private static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(SerializationFeature.INDENT_OUTPUT)
		.build();

	public Ulid id() {
		Ulid id = Ulid.parse(this.ulid);
		if (id == null) {
			throw new CorruptionException("meta.json: not a ULID: " + this.ulid);
		}
		return id;
	}

	/** Whether the block holds samples that can lie in [mint, maxt] (both inclusive). */
	public boolean overlaps(long mint, long maxt) {
		return this.minTime <= maxt && mint < this.maxTime;
	}

	/** Reads {@code <block>/meta.json}. */
	public static BlockMeta read(Path block) throws IOException {
		byte[] json = Files.readAllBytes(block.resolve(FILE_NAME));
		try {
			BlockMeta meta = JSON.readValue(json, BlockMeta.class);
			if (meta.version != VERSION) {
				throw new CorruptionException(block + ": meta.json version " + meta.version + " is not 1");
			}
			if (meta.stats == null || meta.compaction == null) {
				throw new CorruptionException(block + ": meta.json lacks stats or compaction");
			}
			return meta;
		}
		catch (JacksonException ex) {
			throw new CorruptionException(block + ": meta.json cannot be read: " + ex.getOriginalMessage(), ex);
		}
	}

	/** Writes {@code <block>/meta.json}, forced to disk, through a temporary file renamed over it. */
	void write(Path block) throws IOException {
		Path temporary = block.resolve(FILE_NAME + ".tmp");
		Files.write(temporary, JSON.writeValueAsBytes(this), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		Files.move(temporary, block.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
	}

	/** What the block holds. */
	public record Stats(long numSamples, long numSeries, long numChunks) {
	}

	/**
	 * How the block came to be: {@code level} 1 for a block cut from the head, one more than its
	 * highest parent for a merge; {@code sources}, the level-1 blocks it holds the data of.
	 */
	public record Compaction(int level, List<String> sources, List<Parent> parents) {

		public Compaction {
			sources = (sources != null) ? List.copyOf(sources) : List.of();
			parents = (parents != null) ? List.copyOf(parents) : List.of();
		}

	}

	/** A block merged into this one. */
	public record Parent(String ulid, long minTime, long maxTime) {
	}

}
