package io.prometheusrelay.protocol.remotewrite;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Walks an encoded {@code prometheus.WriteRequest} series by series without building protobuf
 * objects: at remote-write rates, a Label object per label is most of the cost of a full parse.
 */
public final class WriteRequestReader {

	private WriteRequestReader() {
	}

	/** Receives each part of a request, in wire order. */
	public interface Visitor {

		/** One series; the view is reused for the next one, so copy what you keep. */
		void series(EncodedSeries series);

		/** The bytes of one encoded {@code MetricMetadata} message. */
		default void metadata(byte[] buf, int offset, int length) {
		}

	}

	/**
	 * Reads the whole request, calling the visitor for each series and metadata entry.
	 * @throws InvalidProtocolBufferException if the bytes are not a well-formed WriteRequest; the
	 * visitor may already have seen the series before the fault
	 */
	public static void read(byte[] buf, int offset, int length, Visitor visitor) throws InvalidProtocolBufferException {
		EncodedSeries series = new EncodedSeries();
		ProtoCursor cursor = new ProtoCursor(buf, offset, length);
		while (cursor.hasMore()) {
			int tag = cursor.readTag();
			switch (tag >>> 3) {
				case 1 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int start = cursor.readLengthDelimited();
					series.read(buf, start, cursor.lengthSince(start));
					visitor.series(series);
				}
				case 3 -> {
					ProtoCursor.expectWireType(tag, ProtoCursor.LEN);
					int start = cursor.readLengthDelimited();
					visitor.metadata(buf, start, cursor.lengthSince(start));
				}
				default -> cursor.skipField(tag);
			}
		}
	}

	public static void read(byte[] request, Visitor visitor) throws InvalidProtocolBufferException {
		read(request, 0, request.length, visitor);
	}

}
