"""PyInstaller hook for ctranslate2: bundle its shared libraries, not its model converters.

The wheel ships libctranslate2 and libgomp in ctranslate2.libs (auditwheel) and imports its
converters package eagerly; the converters only import transformers/torch inside try blocks,
so excluding those keeps the frozen app free of them while translation keeps working.
"""

from PyInstaller.utils.hooks import collect_dynamic_libs

binaries = collect_dynamic_libs("ctranslate2")
excludedimports = ["torch", "transformers", "tensorflow", "fairseq", "opennmt", "onmt"]
