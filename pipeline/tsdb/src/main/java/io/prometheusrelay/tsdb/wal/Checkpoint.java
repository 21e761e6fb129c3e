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
import io.prometheusrelay.tsdb.encoding.ModelCodec;
import io.prometheusrelay.tsdb.head.SeriesState;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.MetricMetadata;
import io.prometheusrelay.tsdb.model.Sample;
import io.prometheusrelay.tsdb.model.StoredBatch;
import org.jspecify.annotations.Nullable;

/**
 * The head as it was before log record {@code sequence}: every series with its chunks (as encoded, so a
 * restart decodes nothing but the last chunk of each) and late samples, and the batches the head holds.
 * A restart loads the newest checkpoint and replays the log from its sequence on; the segments before
 * it can go.
 *
 * <pre>
 * magic:u32 version:u32 sequence:u64
 * series:   count, then ref:uvarint labels chunks:(count, then encoding:u8 minTime:varint
 *           maxTime:varint length:uvarint data) late:(count, then the sample)
 *           exemplars:(count, then t:varint value:u64 labels) created:(count, then created minTime maxTime)
 * batches:  count, then id:16 bytes minTime:varint maxTime:varint storedAt:varint
 * metadata: count, then family:string type:u8 help:string unit:string
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

	/** What a checkpoint holds: the head before log record {@code sequence}. */
	public record Contents(long sequence, List<SeriesState> series, Map<BatchId, StoredBatch> batches,
			Map<String, MetricMetadata> metadata) {
	}

	/** Writes a checkpoint into {@code dir}. */
	public static Path write(Path dir, Contents contents) throws IOException {
		long sequence = contents.sequence();
		Path file = dir.resolve(name(sequence));
		Path temporary = dir.resolve(name(sequence) + ".tmp");
		Files.deleteIfExists(temporary);
		CRC32C crc = new CRC32C();
		try (FileOutput out = FileOutput.create(temporary)) {
			Encoder buffer = new Encoder(1 << 16);
			buffer.putBE32(MAGIC).putBE32(VERSION).putBE64(sequence).putUvarint(contents.series().size());
			for (SeriesState state : contents.series()) {
				writeSeries(buffer, state);
				if (buffer.length() > (1 << 16)) {
					flush(out, buffer, crc);
				}
			}
			buffer.putUvarint(contents.batches().size());
			for (StoredBatch batch : contents.batches().values()) {
				buffer.putBE64(batch.id().high())
					.putBE64(batch.id().low())
					.putVarint(batch.minTime())
					.putVarint(batch.maxTime())
					.putVarint(batch.storedAt());
				if (buffer.length() > (1 << 16)) {
					flush(out, buffer, crc);
				}
			}
			buffer.putUvarint(contents.metadata().size());
			contents.metadata().values().forEach(metadata -> ModelCodec.putMetadata(buffer, metadata));
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
		out.putUvarint(state.ref());
		ModelCodec.putLabels(out, state.labels());
		out.putUvarint(state.chunks().size());
		for (TimedChunk chunk : state.chunks()) {
			out.putByte(chunk.chunk().encoding().code()).putVarint(chunk.minTime()).putVarint(chunk.maxTime());
			out.putUvarint(chunk.chunk().data().length).putBytes(chunk.chunk().data());
		}
		out.putUvarint(state.outOfOrder().size());
		for (Sample sample : state.outOfOrder()) {
			SampleCodec.write(out, sample);
		}
		out.putUvarint(state.exemplars().size());
		state.exemplars().forEach(exemplar -> ModelCodec.putExemplar(out, exemplar));
		out.putUvarint(state.created().size());
		state.created().forEach(range -> ModelCodec.putCreated(out, range));
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
			int seriesCount = ModelCodec.boundedCount(in);
			List<SeriesState> series = new ArrayList<>(seriesCount);
			for (int i = 0; i < seriesCount; i++) {
				series.add(readSeries(in));
			}
			int batchCount = ModelCodec.boundedCount(in);
			Map<BatchId, StoredBatch> batches = new HashMap<>(batchCount * 2);
			for (int i = 0; i < batchCount; i++) {
				BatchId id = new BatchId(in.readBE64(), in.readBE64());
				batches.put(id, new StoredBatch(id, in.readVarint(), in.readVarint(), in.readVarint()));
			}
			int metadataCount = ModelCodec.boundedCount(in);
			Map<String, MetricMetadata> metadata = new HashMap<>();
			for (int i = 0; i < metadataCount; i++) {
				MetricMetadata entry = ModelCodec.readMetadata(in);
				metadata.put(entry.family(), entry);
			}
			return new Contents(sequence, series, batches, metadata);
		}
		catch (IllegalArgumentException ex) {
			throw new CorruptionException(file + ": " + ex.getMessage(), ex);
		}
	}

	private static SeriesState readSeries(Decoder in) {
		int ref = in.readUvarintInt();
		Labels labels = ModelCodec.readLabels(in);
		int chunkCount = ModelCodec.boundedCount(in);
		List<TimedChunk> chunks = new ArrayList<>(chunkCount);
		for (int i = 0; i < chunkCount; i++) {
			ChunkEncoding encoding = ChunkEncoding.of(in.readByte());
			long minTime = in.readVarint();
			long maxTime = in.readVarint();
			byte[] data = in.readBytes(in.readUvarintInt());
			chunks.add(new TimedChunk(new Chunk(encoding, data), minTime, maxTime));
		}
		int lateCount = ModelCodec.boundedCount(in);
		List<Sample> late = new ArrayList<>(lateCount);
		for (int i = 0; i < lateCount; i++) {
			late.add(SampleCodec.read(in));
		}
		int exemplarCount = ModelCodec.boundedCount(in);
		List<Exemplar> exemplars = new ArrayList<>(exemplarCount);
		for (int i = 0; i < exemplarCount; i++) {
			exemplars.add(ModelCodec.readExemplar(in));
		}
		int createdCount = ModelCodec.boundedCount(in);
		List<CreatedRange> created = new ArrayList<>(createdCount);
		for (int i = 0; i < createdCount; i++) {
			created.add(ModelCodec.readCreated(in));
		}
		return new SeriesState(ref, labels, chunks, late, exemplars, created);
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
