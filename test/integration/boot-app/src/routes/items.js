const express = require('express');
const mongoose = require('mongoose');

const Item = mongoose.model('Item', new mongoose.Schema({ name: String, owner: String }));

const router = express.Router();

router.get('/:id', async (req, res) => {
  try {
    const item = await Item.findById(req.params.id);
    if (!item) return res.status(404).json({ error: 'not found' });
    res.json(item);
  } catch (err) {
    console.error('Failed to load item:', err);
    res.status(500).json({ error: 'failed' });
  }
});

module.exports = { router };
