"""Knowledge distillation: teacher outputs → small Marian student → CTranslate2 int8 model.

Everything here imports torch/transformers lazily; the translation path never imports this package.
"""
