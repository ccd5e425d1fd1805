const express = require('express');

const app = express();
app.use(express.json());

app.get('/', (_req, res) => {
  res.send('<h1>Hello from Express</h1><p>Try <a href="/api/hello?name=PairPad">/api/hello</a>.</p>');
});

app.get('/api/hello', (req, res) => {
  res.json({ message: `Hello, ${req.query.name ?? 'world'}!` });
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
