/**
 * What harden must do to each sample backend in fixtures/apps/: the matrix test
 * (test/apps/matrix.test.ts) runs the app's preset on a copy and checks these tables.
 *
 * Locations are `file:line` or `file:first-last` (1-based, lines of the ORIGINAL file, as sites
 * report them); a range matches any site that starts inside it. Entries for a transform that is
 * not registered, or not in the preset that ran, are ignored, so the table can be written before
 * the transform lands. Each app's README explains every entry.
 */

export interface Expected {
  at: string;
  why?: string;
  /** For a `skipped` entry: the skip reason id the refusal must carry. */
  reason?: string;
}

export interface TransformExpectation {
  /** Each location must hold a `changed` site of this transform. */
  changed?: (string | Expected)[];
  /** Each location must hold a `skipped` site (a refusal with a reason, `reason` when given) and no `changed` one. */
  skipped?: Expected[];
  /** No `changed` site of this transform may start inside these locations. */
  untouched?: Expected[];
  /** The `changed` sites are exactly `changed`: nothing else in the app. */
  exact?: boolean;
}

export interface Trap {
  /** `file` (whole file byte-identical) or `file:first-last` (those original lines survive verbatim, in order). */
  at: string;
  why: string;
}

export interface AppExpectation {
  /** Presets to try in order; the first that exists runs. */
  presets: string[];
  /** Further presets, each run on its own fresh copy with the same checks (`node-ops`). */
  more?: string[];
  language: 'ts' | 'js';
  transforms: Record<string, TransformExpectation>;
  traps: Trap[];
}

const saved = 'the document is changed and saved; .lean() removes save()';

export const EXPECTED: Record<string, AppExpectation> = {
  edgeai: {
    presets: ['mongo-express'],
    more: ['node-ops'],
    language: 'ts',
    transforms: {
      'request-context-logging': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/app.ts:5', reason: 'no-project-logger', why: 'no pino logger module in the app (node-ops alone: console-to-logger would generate lib/logger)' }],
      },
      'env-schema': {
        changed: [{ at: 'src/server.ts:1', why: "no dotenv: the check is the first import of src/server.ts, before ./app reads JWT_SECRET, MONGODB_URI, OPENAI_API_KEY, REDIS_URL" }],
        exact: true,
      },
      'graceful-shutdown': {
        changed: [
          { at: 'src/server.ts:10', why: 'app.listen inside start(), called once at the top level: kept as const server and handed to shutdownGracefully' },
          { at: 'src/config/mongoose.ts:16', why: 'mongoose.connect: mongoose.disconnect() on shutdown' },
          { at: 'src/config/redis.ts:5', why: 'the shared ioredis connection of BullMQ: quit() last' },
          { at: 'src/queues/video.queue.ts:12', why: 'BullMQ queue: closed' },
          { at: 'src/workers/video.worker.ts:23', why: 'BullMQ worker: drained with the server (active jobs finish)' },
        ],
        exact: true,
      },
      'health-endpoints': {
        changed: [
          { at: 'src/app.ts:5', why: "app.get('/readyz') right after express(), before the rate limiter; the app's own GET /health (a liveness answer) stays" },
          { at: 'src/config/mongoose.ts:16', why: 'mongoose.connect: the default connection pinged (pingMongoose)' },
          { at: 'src/config/redis.ts:5', why: 'the shared ioredis connection pinged' },
        ],
        exact: true,
      },
      'mongo-filter-eq': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/controllers/video.controller.ts:8', reason: 'query-string-simple', why: 'Video.find({ email: req.query.email }) on Express 5: req.query values are strings' }],
      },
      'dedupe-imports': { changed: [], exact: true },
      'mongoose-pool-options': { changed: ['src/config/mongoose.ts:16'] },
      'rate-limiter-redis': {
        changed: [{ at: 'src/middleware/rate-limiting.ts:15-77', why: 'Map store + setInterval clean-up limiter' }],
        untouched: [{ at: 'src/services/trends.service.ts:1-64', why: 'a TTL response cache, not a limiter' }],
      },
      'mongoose-lean': {
        changed: [
          'src/controllers/video.controller.ts:8',
          { at: 'src/services/video.service.ts:33', why: 'getVideoById: its callers only read and send the video (select: false is a projection, lean or not)' },
          'src/services/topic.service.ts:5',
          'src/services/topic.service.ts:9',
          'src/services/settings.service.ts:11',
          { at: 'src/services/settings.service.ts:22', why: 'findOneAndUpdate: the update runs the same; only the returned document is read' },
        ],
        exact: true,
        skipped: [
          {
            at: 'src/services/video.service.ts:29',
            why: "getUserVideos returns the rows to test/video.service.test.ts, which hands them to expect(): harden cannot see what a matcher does",
          },
          { at: 'src/controllers/video.controller.ts:61', why: saved },
          { at: 'src/services/video.service.ts:45', why: saved },
          { at: 'src/workers/video.worker.ts:28', why: saved },
          { at: 'src/middleware/auth.ts:69', why: 'stored on req.user; later handlers save it' },
          { at: 'src/controllers/user.controller.ts:14', why: 'comparePassword is an instance method' },
          { at: 'src/controllers/user.controller.ts:33', why: "User's toJSON transform hides the password hash" },
          { at: 'src/services/video.service.ts:59', why: 'videosToCsv reads the id virtual' },
        ],
        untouched: [{ at: 'src/services/video.service.ts:37', why: 'countDocuments' }],
      },
      'mongoose-paginate': {
        changed: [{ at: 'src/controllers/video.controller.ts:8', why: 'GET /videos (routes/index.ts): page/limit from req.query, Link rel="next" when the page is full' }],
        exact: true,
        skipped: [
          { at: 'src/services/video.service.ts:59', why: 'the CSV export needs every row' },
          { at: 'src/services/video.service.ts:29', why: 'getUserVideos: its callers (getMyVideos, a test) pass no page; a default page size would cap GET /videos/mine at 20 forever' },
          { at: 'src/services/topic.service.ts:5', why: 'getAllTopics: getTopics passes no page' },
        ],
        untouched: [{ at: 'src/services/video.service.ts:37', why: 'countDocuments' }],
      },
      'console-to-logger': {
        changed: [
          'src/controllers/video.controller.ts:11',
          'src/controllers/video.controller.ts:22',
          'src/controllers/video.controller.ts:36',
          'src/controllers/video.controller.ts:54',
          'src/controllers/video.controller.ts:76',
          'src/controllers/video.controller.ts:87',
          'src/controllers/user.controller.ts:22',
          'src/controllers/user.controller.ts:40',
          'src/controllers/user.controller.ts:58',
          'src/controllers/user.controller.ts:68',
          'src/controllers/user.controller.ts:78',
          'src/controllers/topic.controller.ts:10',
          'src/controllers/topic.controller.ts:24',
          'src/controllers/topic.controller.ts:35',
          'src/config/mongoose.ts:21',
          'src/config/mongoose.ts:24',
          'src/config/redis.ts:10',
          { at: 'src/middleware/rate-limiting.ts:47', why: "the limit-exceeded warning, kept in the rewritten limiter's handler" },
          'src/queues/video.queue.ts:24',
          'src/middleware/auth.ts:76',
          'src/services/video.service.ts:47',
          'src/services/trends.service.ts:38',
          'src/server.ts:11',
          'src/app.ts:21',
          'src/workers/video.worker.ts:26',
          'src/workers/video.worker.ts:30',
          'src/workers/video.worker.ts:43',
          'src/workers/video.worker.ts:49',
          { at: 'src/server.ts:16', why: 'right before process.exit(1): the generated logger writes synchronously, so the line is not lost' },
        ],
      },
    },
    traps: [
      // The whole file except line 38, whose console.warn console-to-logger rewrites (listed above).
      { at: 'src/services/trends.service.ts:1-37', why: 'the trends cache looks like a limiter; no other transform has business here' },
      { at: 'src/services/trends.service.ts:39-64', why: 'the trends cache looks like a limiter; no other transform has business here' },
      { at: 'src/controllers/video.controller.ts:61-61', why: saved },
      { at: 'src/services/video.service.ts:36-38', why: 'countDocuments' },
      { at: 'src/services/video.service.ts:57-61', why: 'the CSV export needs every row and the id virtual' },
      { at: 'src/middleware/auth.ts:69-69', why: 'stored on req.user' },
      { at: 'src/controllers/user.controller.ts:14-15', why: 'comparePassword' },
      { at: 'src/controllers/user.controller.ts:33-33', why: 'toJSON hides the password hash' },
    ],
  },

  vfxb: {
    presets: ['node-basics', 'mongo-express'],
    more: ['node-ops'],
    language: 'js',
    transforms: {
      'request-context-logging': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/app.js:8', reason: 'winston-logger', why: 'src/utils/logger.js is winston: pino-http needs pino, express-winston is not stacked' }],
      },
      'env-schema': {
        changed: [{ at: 'src/server.js:1', why: "no dotenv: require('./config/env') first, before ./app and ./config read the environment" }],
        exact: true,
      },
      'graceful-shutdown': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/server.js:4', reason: 'signal-handled', why: 'src/server.js:12 already closes the server on SIGTERM' }],
      },
      'health-endpoints': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/app.js:8', reason: 'health-route-exists', why: 'GET /health (src/app.js:12) reports the storage stats: it reads a service, so it may be the readiness check already' }],
      },
      'secret-fallbacks': {
        changed: [{ at: 'src/config/index.js:16', why: "jwtSecret: process.env.JWT_SECRET || 'vfxb-dev-secret' at module level: required in production" }],
        exact: true,
      },
      'dedupe-imports': { changed: [], exact: true },
      'console-to-logger': {
        changed: [
          'src/server.js:5',
          'src/server.js:9',
          'src/server.js:13',
          'src/services/localStorageService.js:35',
          'src/services/localStorageService.js:45',
          'src/services/aiService.js:11',
          { at: 'src/routes/auth.js:53', why: 'the file already binds logger: reuse it' },
          'src/routes/chat.js:16',
          'src/routes/chat.js:25',
          'src/routes/videos.js:41',
          'src/routes/videos.js:52',
          'src/routes/videos.js:75',
        ],
        skipped: [
          { at: 'src/config/index.js:11', why: 'src/utils/logger.js requires config: importing the logger would be a cycle' },
          { at: 'scripts/seed-data.js:17', why: 'CLI script output' },
        ],
      },
      'fs-sync-to-async': {
        changed: [
          { at: 'src/routes/videos.js:35', why: 'existsSync + mkdirSync(recursive) -> one await mkdir' },
          { at: 'src/routes/videos.js:36', why: 'existsSync + mkdirSync(recursive) -> one await mkdir' },
          'src/routes/videos.js:40',
        ],
        exact: true,
        skipped: [
          { at: 'src/services/localStorageService.js:20', reason: 'sync-callback', why: 'initializeStorage: a method called from the constructor' },
          { at: 'src/services/localStorageService.js:21', reason: 'sync-callback', why: 'initializeStorage: a method called from the constructor' },
          { at: 'src/services/localStorageService.js:24', reason: 'sync-callback', why: 'initializeStorage: a method called from the constructor' },
          { at: 'src/services/localStorageService.js:25', reason: 'sync-callback', why: 'initializeStorage: a method called from the constructor' },
          { at: 'src/services/localStorageService.js:32', reason: 'read-modify-write', why: 'readData: createUser, createVideo, updateVideo, deleteVideo, saveChatMessage read and write the same file through it' },
          { at: 'src/services/localStorageService.js:42', reason: 'read-modify-write', why: 'writeData: the JSON store writer (not a log file), same callers' },
          { at: 'src/services/localStorageService.js:110', reason: 'read-modify-write', why: "deleteVideo: an await between readData('videos') (106) and writeData('videos') (113) would lose a concurrent createVideo" },
          { at: 'src/services/localStorageService.js:111', reason: 'read-modify-write', why: 'deleteVideo: same' },
        ],
        untouched: [
          { at: 'src/config/index.js:1-24', why: 'start-up config at module top level' },
          { at: 'src/utils/logger.js:1-33', why: 'logger start-up at module top level' },
          { at: 'scripts/seed-data.js:1-17', why: 'CLI script top level' },
        ],
      },
    },
    traps: [
      { at: 'src/config/index.js', why: 'start-up config read and the cycle-prone console.warn' },
      { at: 'src/utils/logger.js', why: 'THE logger: the project already has one' },
      { at: 'scripts/seed-data.js', why: 'a shebang CLI script' },
      { at: 'src/services/localStorageService.js:19-28', why: 'storage initialisation called from the constructor' },
      { at: 'src/middleware/errorHandler.js', why: 'already logs through the logger' },
    ],
  },

  monitor: {
    presets: ['mongo-express'],
    more: ['node-ops'],
    language: 'js',
    transforms: {
      'request-context-logging': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/app.js:5', reason: 'no-project-logger', why: 'console.* only: no pino logger module to hang req.log on' }],
      },
      'env-schema': {
        changed: [{ at: 'server.js:1', why: "no dotenv: require('./src/config/env') first, before ./src/app and ./src/config/db read the environment" }],
        exact: true,
      },
      'graceful-shutdown': {
        changed: [
          { at: 'server.js:9', why: 'app.listen in the connectDB().then callback: kept and handed to shutdownGracefully' },
          { at: 'src/config/db.js:5', why: 'mongoose.connect: mongoose.disconnect() on shutdown' },
        ],
        exact: true,
      },
      'health-endpoints': {
        changed: [
          { at: 'src/app.js:5', why: '/healthz and /readyz right after express(), before express.json() and the routes' },
          { at: 'src/config/db.js:5', why: 'mongoose.connect: the default connection pinged' },
        ],
        exact: true,
      },
      'dedupe-imports': { changed: [], exact: true },
      'mongoose-pool-options': { changed: ['src/config/db.js:5'] },
      'rate-limiter-redis': {
        changed: ['src/routes/ai.js:7'],
        untouched: [
          { at: 'src/jobs/scheduler.js:1-27', why: 'a Map of timers, not a limiter' },
          { at: 'src/services/geminiClient.js:1-42', why: 'a client-side quota counter, not middleware' },
        ],
      },
      'mongoose-lean': {
        changed: [
          'src/controllers/logsController.js:12',
          'src/controllers/logsController.js:23',
          'src/controllers/logsController.js:36',
          'src/controllers/logsController.js:55',
          'src/controllers/aiController.js:19',
          'src/controllers/aiController.js:44',
        ],
        exact: true,
        skipped: [
          {
            at: 'src/services/monitorService.js:43',
            why: 'summarizeLastDay is also called through a required module object (`monitor.summarizeLastDay()` in test/jobs.test.ts), a caller harden does not follow',
          },
          { at: 'src/controllers/aiController.js:26', why: saved },
          { at: 'src/controllers/logsController.js:66', why: saved },
        ],
        untouched: [{ at: 'src/controllers/logsController.js:82', why: 'a .cursor() query' }],
      },
      'mongoose-paginate': {
        changed: ['src/controllers/aiController.js:44'],
        skipped: [
          { at: 'src/controllers/logsController.js:36', why: 'the stats reduce over every log of the window' },
          { at: 'src/services/monitorService.js:43', why: 'a scheduled job that counts every check' },
        ],
        untouched: [
          { at: 'src/controllers/logsController.js:12', why: 'already paginated' },
          { at: 'src/controllers/aiController.js:19', why: 'already limited' },
          { at: 'src/controllers/logsController.js:82', why: 'a streamed export' },
        ],
      },
      'console-to-logger': {
        changed: [
          'server.js:9',
          'src/controllers/logsController.js:16',
          'src/controllers/logsController.js:27',
          'src/controllers/logsController.js:48',
          'src/controllers/logsController.js:59',
          'src/controllers/logsController.js:72',
          'src/controllers/aiController.js:37',
          'src/controllers/aiController.js:47',
          'src/services/monitorService.js:28',
          'src/jobs/index.js:13',
          'src/jobs/index.js:21',
          'src/jobs/index.js:23',
          'src/config/db.js:6',
          { at: 'src/config/db.js:8', why: 'right before process.exit(1): the generated logger writes synchronously, so the line is not lost' },
        ],

        skipped: [
          { at: 'scripts/check-health.js:8', why: 'CLI script output' },
          { at: 'scripts/check-health.js:12', why: 'CLI script output' },
        ],
      },
    },
    traps: [
      { at: 'scripts/check-health.js', why: 'a shebang CLI script' },
      { at: 'src/jobs/scheduler.js', why: 'a Map of timers with setInterval, not a rate limiter' },
      { at: 'src/services/geminiClient.js', why: 'a client-side quota counter that throws status 429' },
      { at: 'src/controllers/aiController.js:26-30', why: saved },
      { at: 'src/controllers/logsController.js:66-70', why: saved },
      { at: 'src/controllers/logsController.js:82-84', why: 'a streamed cursor export' },
      { at: 'src/controllers/logsController.js:37-39', why: 'the stats computation over every row' },
    ],
  },

  unified: {
    presets: ['node-basics', 'mongo-express'],
    // no node-ops run: unified compiles only after dedupe-imports (its graceful-shutdown site is a refusal, signal-handled)
    language: 'ts',
    transforms: {
      'graceful-shutdown': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/server.ts:38', reason: 'signal-handled', why: 'src/server.ts:42 closes the WebSocket server, Prisma and the server on SIGTERM' }],
      },
      'dedupe-imports': {
        // 13 + 8 + 3 repeated value imports, and the second `import type` of '../types'.
        changed: Array.from({ length: 25 }, (_, i) => `src/services/openai-integration.ts:${i + 7}`),
        skipped: [],
        exact: true,
        untouched: [
          { at: 'src/services/data-processing-pipeline.ts:2-3', why: 'import type stays apart from the value import' },
          { at: 'src/services/screenshot-storage.ts:3-4', why: 'a namespace import cannot take named ones' },
        ],
      },
      'console-to-logger': {
        changed: [
          'src/routes/api.ts:28',
          'src/routes/api.ts:48',
          'src/server.ts:39',
        ],
        exact: true,
        skipped: [
          { at: 'src/server.ts:43', why: 'realtime.getStats() is a call: it has no field name to log it under' },
          { at: 'src/services/websocket-server.ts:40', why: 'the class already logs through this.logger (the app\'s Logger): a second pipeline would split its records' },
          { at: 'src/services/data-processing-pipeline.ts:65', why: 'the class already logs through this.logger (the app\'s Logger)' },
          { at: 'scripts/reprocess-failed.ts:7', why: 'CLI script output' },
          { at: 'scripts/reprocess-failed.ts:14', why: 'CLI script output' },
        ],
      },
      'fs-sync-to-async': {
        changed: [
          { at: 'src/services/screenshot-storage.ts:22', why: 'existsSync + mkdirSync(recursive) -> one await mkdir' },
          { at: 'src/services/screenshot-storage.ts:23', why: 'existsSync + mkdirSync(recursive) -> one await mkdir' },
          'src/services/screenshot-storage.ts:27',
          'src/services/screenshot-storage.ts:33',
        ],
        exact: true,
        skipped: [
          { at: 'src/utils/logger.ts:42', reason: 'sync-callback', why: "seed 003's log(): a class method its sync callers (info, warn, ...) cannot await" },
          { at: 'src/utils/logger.ts:43', reason: 'sync-callback', why: "seed 003's log(): same" },
          { at: 'src/utils/logger.ts:45', reason: 'exit-may-lose-log', why: "seed 003's log(): a stream per daily file would do, but src/server.ts:46 calls process.exit(0), which would drop buffered lines" },
        ],
        untouched: [{ at: 'src/config.ts:1-22', why: 'start-up config at module top level' }],
      },
      // express-safety (test/guard-json-parse/unified-app.test.ts runs it on this app and checks this entry)
      'guard-json-parse': {
        changed: [
          {
            at: 'src/services/websocket-server.ts:51',
            why: "seed 003 #2: JSON.parse(data.toString()) in handleMessage, which only the 'message' listener calls: a malformed frame is dropped",
          },
        ],
        exact: true,
        skipped: [],
        untouched: [
          { at: 'src/services/openai-integration.ts:66', why: 'a typed provider response, not socket input' },
          { at: 'src/config.ts:7', why: 'a file read at start-up' },
        ],
      },
    },
    traps: [
      { at: 'src/config.ts', why: 'start-up config read' },
      { at: 'scripts/reprocess-failed.ts', why: 'a shebang CLI script' },
      { at: 'src/services/data-processing-pipeline.ts:2-3', why: 'import type next to a value import' },
      { at: 'src/services/screenshot-storage.ts:3-4', why: 'namespace and named import of path' },
      { at: 'src/services/openai-integration.ts:66-66', why: 'JSON.parse of a trusted, typed provider response' },
    ],
  },

  // Built by the split-god-service work; only the generic checks run until it lists its sites.
  medianest: {
    presets: [],
    more: ['node-ops'],
    language: 'ts',
    transforms: {
      'request-context-logging': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/app.ts:7', reason: 'no-project-logger', why: 'createApp() has no pino logger module to mount pino-http on' }],
      },
      'env-schema': {
        changed: [{ at: 'src/server.ts:1', why: "no dotenv: the check is the first import, one name (PORT, a number with its ?? 4000 fallback)" }],
        exact: true,
      },
      'graceful-shutdown': {
        changed: [{ at: 'src/server.ts:4', why: 'createApp().listen(port): bound to const server and handed to shutdownGracefully' }],
        exact: true,
      },
      'health-endpoints': {
        changed: [],
        exact: true,
        skipped: [{ at: 'src/app.ts:7', reason: 'health-route-exists', why: 'GET /health (src/routes/integrations.ts:33) answers checkAllServices(): a readiness check of its own' }],
      },
    },
    traps: [],
  },
};

/** The head of openai-integration.ts after dedupe-imports: one import of each module. */
export const UNIFIED_OPENAI_HEAD = [
  "import { appConfig } from '../config';",
  "import { Logger } from '../utils/logger';",
  "import type { InteractionAnalyzer, AnalysisResult, InteractionWithScreenshots } from '../types';",
  "import { config } from 'process';",
  "import { text } from 'stream/consumers';",
  "import { after } from 'node:test';",
  '',
  "const OPENAI_URL = 'https://api.openai.com/v1/chat/completions';",
].join('\n');
