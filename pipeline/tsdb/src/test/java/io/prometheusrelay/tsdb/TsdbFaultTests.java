package io.prometheusrelay.tsdb;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import io.prometheusrelay.log.DataDirectoryLock.DataDirectoryInUseException;
import io.prometheusrelay.testsupport.SmallFileSystem;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.block.BlockWriter;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** What the engine does when its files or its disk fail it: it never serves wrong data, and loses only what is corrupt. */
class TsdbFaultTests {

	private static final long MINUTE = 60_000L;

	private static final long START = 1_767_225_600_000L;

	@TempDir
	Path dataDir;

	/** Writes {@code minutes} of {@code series} gauges at a 60 s step, one batch per minute; returns what was written. */
	private static Map<Labels, List<Sample>> fill(Tsdb tsdb, int series, int fromMinute, int minutes,
			List<WriteBatch> batches) throws Exception {
		Map<Labels, List<Sample>> written = new LinkedHashMap<>();
		for (int m = fromMinute; m < fromMinute + minutes; m++) {
			WriteBatch batch = TestBatches.gauges("load", series, START + MINUTE * m, m);
			tsdb.append(batch).get();
			batches.add(batch);
			batch.series().forEach(write -> written.computeIfAbsent(write.labels(), key -> new ArrayList<>())
				.addAll(write.samples()));
		}
		return written;
	}

	private static Map<Labels, List<Sample>> withoutRange(Map<Labels, List<Sample>> all, long mint, long maxt) {
		Map<Labels, List<Sample>> kept = new LinkedHashMap<>();
		all.forEach((labels, samples) -> kept.put(labels,
				samples.stream().filter(sample -> sample.timestamp() < mint || sample.timestamp() >= maxt).toList()));
		return kept;
	}

	private Tsdb open() throws IOException {
		return Tsdb.open(TsdbOptions.defaults(this.dataDir), Clock.systemUTC());
	}

	@Test
	void aSecondEngineOnTheSameDirectoryIsRefused() throws Exception {
		try (Tsdb tsdb = open()) {
			assertThatExceptionOfType(DataDirectoryInUseException.class).isThrownBy(this::open);
		}
	}

	@Test
	void aFlippedByteInAChunkIsFoundCountedAndConfinedToItsBlock() throws Exception {
		List<WriteBatch> batches = new ArrayList<>();
		Map<Labels, List<Sample>> written;
		Block first;
		try (Tsdb tsdb = open()) {
			written = fill(tsdb, 5, 0, 7 * 60, batches);
			tsdb.compactNow();
			first = tsdb.blocks().get(0);
		}
		flipByte(first.directory().resolve("chunks").resolve("000001"), 40);

		try (Tsdb tsdb = open()) {
			// The block opens (its chunks are checked as they are read): the first read finds the flip.
			TestBatches.readAll(tsdb);
			assertThat(tsdb.metrics().corruptBlocks.sum()).isEqualTo(1);
			assertThat(tsdb.corruptBlocks()).containsExactly(aside(first));
			assertThat(tsdb.blocks()).noneMatch(block -> block.meta().ulid().equals(first.meta().ulid()));
			Map<Labels, List<Sample>> expected = withoutRange(written, first.minTime(), first.meta().maxTime());
			assertThat(TestBatches.readAll(tsdb)).isEqualTo(expected);
			// Its batches are no longer held, so that catching up from a peer brings their ranges back.
			assertThat(batches).filteredOn(batch -> batch.maxTime() < first.meta().maxTime())
				.isNotEmpty()
				.noneMatch(batch -> tsdb.holds(batch.id()));
			assertThat(batches).filteredOn(batch -> batch.minTime() >= first.meta().maxTime())
				.allMatch(batch -> tsdb.holds(batch.id()));
		}
		try (Tsdb tsdb = open()) {
			assertThat(tsdb.corruptBlocks()).as("still reported after a restart").containsExactly(aside(first));
			assertThat(tsdb.metrics().corruptBlocks.sum()).as("but counted once").isZero();
			assertThat(TestBatches.readAll(tsdb)).isEqualTo(withoutRange(written, first.minTime(), first.meta().maxTime()));
		}
	}

	@Test
	void aFlippedByteInAnIndexIsFoundCountedAndConfinedToItsBlock() throws Exception {
		Map<Labels, List<Sample>> written;
		Block first;
		try (Tsdb tsdb = open()) {
			written = fill(tsdb, 5, 0, 7 * 60, new ArrayList<>());
			tsdb.compactNow();
			first = tsdb.blocks().get(0);
		}
		Path index = first.directory().resolve("index");
		// The table of contents at the end gives where the series section starts; its first entry is at
		// the next multiple of 16. Flip a byte inside that entry.
		long seriesOffset;
		try (RandomAccessFile file = new RandomAccessFile(index.toFile(), "r")) {
			file.seek(file.length() - 52 + 8);
			seriesOffset = file.readLong();
		}
		flipByte(index, (seriesOffset + 15) / 16 * 16 + 4);

		try (Tsdb tsdb = open()) {
			Map<Labels, List<Sample>> expected = withoutRange(written, first.minTime(), first.meta().maxTime());
			TestBatches.readAll(tsdb);
			assertThat(tsdb.metrics().corruptBlocks.sum()).isEqualTo(1);
			assertThat(tsdb.corruptBlocks()).containsExactly(aside(first));
			assertThat(TestBatches.readAll(tsdb)).isEqualTo(expected);
		}
	}

	@Test
	void whatACrashLeftMidCompactionIsCleanedUpAndNothingIsServedTwice() throws Exception {
		Path saved = Files.createTempDirectory("tsdb-before-merge");
		Map<Labels, List<Sample>> written = new LinkedHashMap<>();
		List<Path> parents = new ArrayList<>();
		try {
			try (Tsdb tsdb = open()) {
				written.putAll(fill(tsdb, 5, 0, 6 * 60, new ArrayList<>()));
				tsdb.compactNow();
				assertThat(tsdb.blocks()).hasSize(2);
				for (Block block : tsdb.blocks()) {
					copyTree(block.directory(), saved.resolve(block.directory().getFileName()));
					parents.add(block.directory());
				}
			}
			try (Tsdb tsdb = open()) {
				fill(tsdb, 5, 6 * 60, 3 * 60, new ArrayList<>()).forEach((labels, samples) -> written.get(labels).addAll(samples));
				tsdb.compactNow();
				assertThat(tsdb.metrics().mergeCompactions.sum()).isPositive();
				assertThat(parents).allMatch(parent -> !Files.exists(parent));
			}
			try (Tsdb tsdb = open()) {
				assertThat(TestBatches.readAll(tsdb)).isEqualTo(written);
			}
			// A crash after the merge was written and before its parents were deleted leaves both.
			for (Path parent : parents) {
				copyTree(saved.resolve(parent.getFileName()), parent);
			}
			// And one in the middle of writing a block, or of deleting one.
			Files.createDirectories(this.dataDir.resolve("01KBZZZZZZZZZZZZZZZZZZZZZZ" + BlockWriter.TEMPORARY_SUFFIX).resolve("chunks"));
			Files.createDirectories(this.dataDir.resolve("01KBZZZZZZZZZZZZZZZZZZZZZY" + BlockWriter.DELETION_SUFFIX));
			try (Tsdb tsdb = open()) {
				assertThat(parents).allMatch(parent -> !Files.exists(parent));
				try (Stream<Path> entries = Files.list(this.dataDir)) {
					assertThat(entries.map(entry -> entry.getFileName().toString())).noneMatch(name -> name.contains(".tmp-for-"));
				}
				for (int i = 1; i < tsdb.blocks().size(); i++) {
					assertThat(tsdb.blocks().get(i).minTime()).isGreaterThanOrEqualTo(tsdb.blocks().get(i - 1).meta().maxTime());
				}
				assertThat(TestBatches.readAll(tsdb)).isEqualTo(written);
				assertThat(tsdb.metrics().corruptBlocks.sum()).isZero();
			}
		}
		finally {
			BlockWriter.deleteRecursively(saved);
		}
	}

	@Test
	void aFullDiskDuringCompactionLosesNothingSaysWhyAndCompactsOnceThereIsSpace() throws Exception {
		try (SmallFileSystem disk = SmallFileSystem.mount(this.dataDir.resolve("small"), "3m")) {
			Path dir = disk.path().resolve("data");
			TsdbOptions options = TsdbOptions.defaults(dir).withWalSegmentBytes(256 << 10);
			Path filler = disk.path().resolve("filler");
			Map<Labels, List<Sample>> written;
			try (Tsdb tsdb = Tsdb.open(options, Clock.systemUTC())) {
				written = fill(tsdb, 20, 0, 7 * 60, new ArrayList<>());
				fillUp(filler);

				tsdb.compactNow();
				assertThat(tsdb.metrics().compactionFailures.sum()).isPositive();
				assertThat(tsdb.blocks()).isEmpty();
				try (Stream<Path> entries = Files.list(dir)) {
					assertThat(entries.map(entry -> entry.getFileName().toString()))
						.as("no half-written block left")
						.noneMatch(name -> name.endsWith(BlockWriter.TEMPORARY_SUFFIX));
				}
				assertThat(TestBatches.readAll(tsdb)).isEqualTo(written);
				// Appends fail with the disk's own error once the log's last page is full, and say so;
				// what was acknowledged before is stored.
				Throwable refused = null;
				for (int m = 7 * 60; m < 8 * 60 && refused == null; m++) {
					WriteBatch batch = TestBatches.gauges("load", 20, START + MINUTE * m, m);
					try {
						tsdb.append(batch).get();
						batch.series().forEach(write -> written.get(write.labels()).addAll(write.samples()));
					}
					catch (ExecutionException ex) {
						refused = ex.getCause();
					}
				}
				assertThat(refused).isInstanceOf(IOException.class);
				assertThat(tsdb.lastWriteFailure()).isPresent();
				assertThat(TestBatches.readAll(tsdb)).isEqualTo(written);

				Files.delete(filler);
				tsdb.compactNow();
				assertThat(tsdb.blocks()).isNotEmpty();
				assertThat(TestBatches.readAll(tsdb)).isEqualTo(written);
				tsdb.append(TestBatches.gauges("load", 20, START + 8 * 60 * MINUTE, 0)).get();
				assertThat(tsdb.lastWriteFailure()).isEmpty();
			}
			try (Tsdb tsdb = Tsdb.open(options, Clock.systemUTC())) {
				Map<Labels, List<Sample>> read = TestBatches.readAll(tsdb);
				written.forEach((labels, samples) -> assertThat(read.get(labels)).startsWith(samples.toArray(Sample[]::new)));
			}
		}
	}

	private static void fillUp(Path filler) throws IOException {
		try (OutputStream out = Files.newOutputStream(filler)) {
			byte[] block = new byte[16 << 10];
			while (true) {
				out.write(block);
			}
		}
		catch (IOException ex) {
			// No space left: what this was for.
		}
	}

	private static Path aside(Block block) {
		return block.directory().resolveSibling(block.directory().getFileName() + ".corrupt");
	}

	private static void flipByte(Path file, long position) throws IOException {
		try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
			assertThat(position).as("a byte inside " + file).isLessThan(raf.length());
			raf.seek(position);
			int b = raf.read();
			raf.seek(position);
			raf.write(b ^ 0x10);
		}
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> walk = Files.walk(from)) {
			for (Path each : walk.toList()) {
				Path target = to.resolve(from.relativize(each).toString());
				if (Files.isDirectory(each)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(each, target);
				}
			}
		}
	}

}
