package io.prometheusrelay.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

/**
 * Records every leak Netty's detector reports, so a test run can fail on it instead of the report
 * ending up as one log line nobody reads. Installed before any test class runs (see
 * {@link NettyLeakSessionListener}); checked after each test class (see {@link NettyLeakCheckExtension}).
 */
public final class NettyLeaks {

	private static final List<String> reports = new CopyOnWriteArrayList<>();

	private static volatile boolean installed;

	private NettyLeaks() {
	}

	static synchronized void install() {
		if (installed) {
			return;
		}
		ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
		installed = true;
	}

	/**
	 * Collects garbage and allocates a few buffers so that pending leak reports are emitted, then
	 * returns (and forgets) every report seen so far.
	 */
	public static List<String> drainReports() {
		for (int i = 0; i < 3; i++) {
			System.gc();
			System.runFinalization();
			// Leak reports are emitted on allocation, for references the GC has enqueued.
			for (int j = 0; j < 64; j++) {
				ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(16);
				pooled.release();
				ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(16);
				unpooled.release();
			}
		}
		List<String> drained = new ArrayList<>(reports);
		reports.removeAll(drained);
		return drained;
	}

	private static final class RecordingFactory extends ResourceLeakDetectorFactory {

		@Override
		@SuppressWarnings("deprecation")
		public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
				long maxActive) {
			return new RecordingDetector<>(resource, samplingInterval);
		}

	}

	private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

		RecordingDetector(Class<?> resourceType, int samplingInterval) {
			super(resourceType, samplingInterval);
		}

		@Override
		protected void reportTracedLeak(String resourceType, String records) {
			reports.add("LEAK of " + resourceType + ":" + records);
			super.reportTracedLeak(resourceType, records);
		}

		@Override
		protected void reportUntracedLeak(String resourceType) {
			reports.add("LEAK of " + resourceType + " (untraced)");
			super.reportUntracedLeak(resourceType);
		}

	}

}
