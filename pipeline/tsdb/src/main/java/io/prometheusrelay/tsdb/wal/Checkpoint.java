package io.prometheusrelay.tsdb.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import io.prometheusrelay.log.AtomicFile;
import io.prometheusrelay.tsdb.chunkenc.Chunk;
import io.prometheusrelay.tsdb.chunkenc.ChunkEncoding;
import io.prometheusrelay.tsdb.chunkenc.TimedChunk;
import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.encoding.FileOutput;
import io.prometheusrelay.tsdb.head.SeriesState;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.Sample;
import org.jspecify.annotations.Nullable;

/**
 * The head as it was before log record {@code sequence}: every series with its chunks (as encoded, so a
 * restart decodes nothing but the last chunk of each) and late samples, and the batches the head holds.
 * A restart loads the newest checkpoint and replays the log from its sequence on; the segments before
 * it can go.
 *
 * <pre>
 * magic:u32 version:u32 sequence:u64
 * series: count:uvarint, then ref:uvarint labels chunks:(count, then encoding:u8 minTime:varint
 *         maxTime:varint length:uvarint data) late:(count, then the sample)
 * batches: count:uvarint, then id:16 bytes maxTime:varint
 * crc32c:u32 of everything before it
 * </pre>
 *
 * Written to a temporary file renamed into place, so a checkpoint is whole or absent.
 */
public final class Checkpoint {

	private static final String PREFIX = "checkpoint.";

	private static final int MAGIC = 0x5052434B;

	private static final int VERSION = 1;

	private Checkpoint() {
	}

	/** What a checkpoint holds. */
	public record Contents(long sequence, List<SeriesState> series, Map<BatchId, Long> batches) {
	}

	/** Writes the checkpoint of the head before record {@code sequence} into {@code dir}. */
	public static Path write(Path dir, long sequence, Iterable<SeriesState> series, int seriesCount,
			Map<BatchId, Long> batches) throws IOException {
		Path file = dir.resolve(name(sequence));
		Path temporary = dir.resolve(name(sequence) + ".tmp");
		Files.deleteIfExists(temporary);
		CRC32C crc = new CRC32C();
		try (FileOutput out = FileOutput.create(temporary)) {
			Encoder buffer = new Encoder(1 << 16);
			buffer.putBE32(MAGIC).putBE32(VERSION).putBE64(sequence).putUvarint(seriesCount);
			int written = 0;
			for (SeriesState state : series) {
				writeSeries(buffer, state);
				written++;
				if (buffer.length() > (1 << 16)) {
					flush(out, buffer, crc);
				}
			}
			if (written != seriesCount) {
				throw new IllegalStateException("Checkpoint of " + seriesCount + " series got " + written);
			}
			buffer.putUvarint(batches.size());
			for (Map.Entry<BatchId, Long> batch : batches.entrySet()) {
				buffer.putBE64(batch.getKey().high()).putBE64(batch.getKey().low()).putVarint(batch.getValue());
				if (buffer.length() > (1 << 16)) {
					flush(out, buffer, crc);
				}
			}
			flush(out, buffer, crc);
			buffer.putBE32((int) crc.getValue());
			out.write(buffer);
			out.finish();
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(temporary);
			throw ex;
		}
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
		AtomicFile.forceDirectory(dir);
		return file;
	}

	private static void flush(FileOutput out, Encoder buffer, CRC32C crc) throws IOException {
		crc.update(buffer.array(), 0, buffer.length());
		out.write(buffer);
		buffer.reset();
	}

	private static void writeSeries(Encoder out, SeriesState state) {
		out.putUvarint(state.ref()).putUvarint(state.labels().size());
		for (int i = 0; i < state.labels().size(); i++) {
			out.putUvarintString(state.labels().name(i)).putUvarintString(state.labels().value(i));
		}
		out.putUvarint(state.chunks().size());
		for (TimedChunk chunk : state.chunks()) {
			out.putByte(chunk.chunk().encoding().code()).putVarint(chunk.minTime()).putVarint(chunk.maxTime());
			out.putUvarint(chunk.chunk().data().length).putBytes(chunk.chunk().data());
		}
		out.putUvarint(state.outOfOrder().size());
		for (Sample sample : state.outOfOrder()) {
			SampleCodec.write(out, sample);
		}
	}

	/** The newest checkpoint in {@code dir}, or null; older ones and unfinished ones are ignored. */
	public static @Nullable Path newest(Path dir) throws IOException {
		Path newest = null;
		long newestSequence = -1;
		for (Path file : list(dir)) {
			long sequence = sequence(file);
			if (sequence > newestSequence) {
				newest = file;
				newestSequence = sequence;
			}
		}
		return newest;
	}

	/** Deletes the checkpoints before {@code sequence}, and unfinished ones. */
	public static void deleteBefore(Path dir, long sequence) throws IOException {
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREFIX + "*")) {
			for (Path file : entries) {
				String name = file.getFileName().toString();
				if (name.endsWith(".tmp") || sequence(file) < sequence) {
					Files.deleteIfExists(file);
				}
			}
		}
	}

	/** Reads a checkpoint whole, its checksum verified. */
	public static Contents read(Path file) throws IOException {
		ByteBuffer bytes;
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			if (channel.size() > Integer.MAX_VALUE || channel.size() < 20) {
				throw new CorruptionException(file + ": not a checkpoint (" + channel.size() + " bytes)");
			}
			bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
		}
		int end = bytes.limit() - 4;
		try {
			Decoder.verifyCrc32c(bytes, 0, end, file.toString());
			Decoder in = new Decoder(bytes, 0, end);
			if (in.readBE32() != MAGIC || in.readBE32() != VERSION) {
				throw new CorruptionException(file + ": not a checkpoint of this version");
			}
			long sequence = in.readBE64();
			int seriesCount = HistogramCodec.boundedCount(in);
			List<SeriesState> series = new ArrayList<>(seriesCount);
			for (int i = 0; i < seriesCount; i++) {
				series.add(readSeries(in));
			}
			int batchCount = HistogramCodec.boundedCount(in);
			Map<BatchId, Long> batches = new HashMap<>(batchCount * 2);
			for (int i = 0; i < batchCount; i++) {
				batches.put(new BatchId(in.readBE64(), in.readBE64()), in.readVarint());
			}
			return new Contents(sequence, series, batches);
		}
		catch (IllegalArgumentException ex) {
			throw new CorruptionException(file + ": " + ex.getMessage(), ex);
		}
	}

	private static SeriesState readSeries(Decoder in) {
		int ref = in.readUvarintInt();
		String[] pairs = new String[2 * HistogramCodec.boundedCount(in)];
		for (int i = 0; i < pairs.length; i++) {
			pairs[i] = in.readUvarintString();
		}
		int chunkCount = HistogramCodec.boundedCount(in);
		List<TimedChunk> chunks = new ArrayList<>(chunkCount);
		for (int i = 0; i < chunkCount; i++) {
			ChunkEncoding encoding = ChunkEncoding.of(in.readByte());
			long minTime = in.readVarint();
			long maxTime = in.readVarint();
			byte[] data = in.readBytes(in.readUvarintInt());
			chunks.add(new TimedChunk(new Chunk(encoding, data), minTime, maxTime));
		}
		int lateCount = HistogramCodec.boundedCount(in);
		List<Sample> late = new ArrayList<>(lateCount);
		for (int i = 0; i < lateCount; i++) {
			late.add(SampleCodec.read(in));
		}
		return new SeriesState(ref, Labels.ofSortedPairs(pairs), chunks, late);
	}

	private static String name(long sequence) {
		return String.format("%s%020d", PREFIX, sequence);
	}

	private static long sequence(Path file) {
		String name = file.getFileName().toString();
		try {
			return Long.parseLong(name.substring(PREFIX.length(), PREFIX.length() + 20));
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	private static List<Path> list(Path dir) throws IOException {
		List<Path> files = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREFIX + "*")) {
			for (Path file : entries) {
				if (!file.getFileName().toString().endsWith(".tmp") && sequence(file) >= 0) {
					files.add(file);
				}
			}
		}
		return files;
	}

}
