// Shaped like the first real backend harden broke (issue 14): limiters and log calls near the top
// of app.js, in a try/catch around dotenv, and the last require far below them.
const express = require('express');
const rateLimit = require('express-rate-limit');

let port = 3000;
try {
  require('dotenv').config();
  port = Number(process.env.PORT) || port;
} catch (error) {
  console.warn('dotenv is not installed, using the process environment:', error);
}

const app = express();
app.use(express.json());

const apiLimiter = rateLimit({ windowMs: 15 * 60 * 1000, max: 100 });
const authLimiter = rateLimit({ windowMs: 60 * 60 * 1000, max: 5 });
app.use('/api', apiLimiter);
app.use('/api/auth', authLimiter);
console.log('Rate limiters ready');

const mongoose = require('mongoose');
mongoose.set('strictQuery', true);

const { router: itemRoutes } = require('./routes/items');
app.use('/api/items', itemRoutes);

app.use((err, _req, res, _next) => {
  console.error('Unhandled error:', err);
  res.status(500).json({ error: 'Internal server error' });
});

function start() {
  mongoose
    .connect(process.env.MONGO_URI || 'mongodb://127.0.0.1:27017/boot', { serverSelectionTimeoutMS: 500 })
    .then(() => app.listen(port, () => console.log(`listening on ${port}`)))
    .catch((err) => console.error('MongoDB connection failed:', err));
}

if (require.main === module) start();

module.exports = { app, start, port };
