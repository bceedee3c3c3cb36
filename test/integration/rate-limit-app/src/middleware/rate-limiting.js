// The shape of seed 000's src/middleware/rate-limiting.ts, in CommonJS, with a short window so a
// test can watch keys expire.

// In-memory storage for rate limiting (use Redis in production)
const rateLimitStore = new Map();

const DEFAULT_WINDOW_MS = 1500;
const DEFAULT_MAX_REQUESTS = 5;
const CLEANUP_INTERVAL_MS = 5 * 60 * 1000;

function createRateLimiter(options = {}) {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS;
  const keyPrefix = options.keyPrefix ?? 'api';
  const message = options.message ?? 'Too many requests, please try again later.';

  return (req, res, next) => {
    const clientId = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    const key = `${keyPrefix}:${clientId}`;
    const now = Date.now();

    let data = rateLimitStore.get(key);
    if (!data || now > data.resetTime) {
      data = { count: 0, resetTime: now + windowMs };
      rateLimitStore.set(key, data);
    }

    data.count++;

    res.setHeader('X-RateLimit-Limit', maxRequests);
    res.setHeader('X-RateLimit-Remaining', Math.max(0, maxRequests - data.count));

    if (data.count > maxRequests) {
      const retryAfter = Math.ceil((data.resetTime - now) / 1000);
      res.setHeader('Retry-After', retryAfter);
      console.warn(`Rate limit exceeded for ${key}`);
      res.status(429).json({
        success: false,
        error: message,
        retryAfter,
      });
      return;
    }

    next();
  };
}

const apiRateLimiter = createRateLimiter();

const loadRateLimiter = createRateLimiter({
  windowMs: 60 * 1000,
  maxRequests: 50,
  keyPrefix: 'load',
  message: 'Load limit reached.',
});

// Clean up expired entries so the store does not grow forever
setInterval(() => {
  const now = Date.now();
  for (const [key, data] of rateLimitStore.entries()) {
    if (now > data.resetTime) {
      rateLimitStore.delete(key);
    }
  }
}, CLEANUP_INTERVAL_MS).unref();

module.exports = { createRateLimiter, apiRateLimiter, loadRateLimiter };
