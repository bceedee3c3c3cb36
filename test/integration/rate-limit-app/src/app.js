const express = require('express');
const { apiRateLimiter, loadRateLimiter } = require('./middleware/rate-limiting');

const app = express();

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

app.get('/api/ping', apiRateLimiter, (_req, res) => {
  res.json({ ok: true, instance: process.env.INSTANCE });
});

app.get('/load/ping', loadRateLimiter, (_req, res) => {
  res.json({ ok: true });
});

app.use((err, _req, res, _next) => {
  console.error('Unhandled error:', err.message);
  res.status(500).json({ success: false, error: 'Internal server error' });
});

module.exports = { app };
